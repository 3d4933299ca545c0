package dev.plt.model.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** What JavaCPP throws when the CUDA libraries are missing, turned into reasons (messages as JavaCPP 1.5.13 words them). */
class NativeLoadFailureTest {
    private static UnsatisfiedLinkError javacpp(String loaderMessage) {
        UnsatisfiedLinkError outer = new UnsatisfiedLinkError("no jnicudart in java.library.path: /usr/lib");
        outer.initCause(new UnsatisfiedLinkError("/root/.javacpp/cache/cuda-13.1-9.19-1.5.13-linux-x86_64.jar/org/"
                + "bytedeco/cuda/linux-x86_64/libjnicudart.so: " + loaderMessage));
        return outer;
    }

    @Test
    void missingDriver() {
        assertEquals("no CUDA driver (libcuda.so.1 not found)", NativeLoadFailure.describe(
                javacpp("libcuda.so.1: cannot open shared object file: No such file or directory")));
    }

    @Test
    void missingRuntimeAndCublasNameTheLibrary() {
        String runtime = NativeLoadFailure.describe(
                javacpp("libcudart.so.13: cannot open shared object file: No such file or directory"));
        assertTrue(runtime.startsWith("no CUDA 13 runtime (libcudart.so.13 not found"), runtime);
        String blas = NativeLoadFailure.describe(
                javacpp("libcublasLt.so.13: cannot open shared object file: No such file or directory"));
        assertTrue(blas.startsWith("no cuBLAS 13 (libcublasLt.so.13 not found"), blas);
    }

    @Test
    void versionMismatchAndMissingBindings() {
        assertTrue(NativeLoadFailure.describe(javacpp("undefined symbol: cudaGraphNodeSetParams"))
                .endsWith("undefined symbol cudaGraphNodeSetParams"));
        assertTrue(NativeLoadFailure.describe(new NoClassDefFoundError("org/bytedeco/cuda/global/cudart"))
                .contains("not on the classpath"));
    }

    @Test
    void anythingElseKeepsTheRootCauseOnOneLine() {
        String reason = NativeLoadFailure.describe(new ExceptionInInitializerError(
                new IllegalStateException("first line\nsecond line")));
        assertEquals("cannot load the CUDA bindings: IllegalStateException: first line", reason);
    }
}
