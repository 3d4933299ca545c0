package dev.plt.model.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.plt.model.config.ConfigLoader;
import dev.plt.model.config.ModelConfig;
import dev.plt.model.checkpoint.RandomCheckpoint;
import dev.plt.model.weights.ModelWeights;
import dev.plt.model.weights.WeightLoader;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On a machine without a usable GPU (this project's CI: no driver), asking about or selecting the cuda
 * backend gives one line naming the reason, and nothing escapes: no UnsatisfiedLinkError, no stack trace.
 */
class CudaAvailabilityTest {
    @Test
    void availabilityAnswersWithoutThrowingAndTheSecondAnswerIsTheSame() {
        CudaAvailability first = CudaBackend.availability();
        CudaAvailability second = CudaBackend.availability();
        assertEquals(first, second);
        if (first.available()) {
            assertFalse(first.device().isBlank(), "an available backend names its device");
        } else {
            assertFalse(first.reason().isBlank());
            assertFalse(first.reason().contains("\n"), "the reason is one line: " + first.reason());
        }
    }

    @Test
    void withoutADriverTheReasonSaysSo() {
        CudaAvailability availability = CudaBackend.availability();
        assumeFalse(availability.available(), "this machine has a usable GPU");
        boolean driverPresent = new java.io.File("/usr/lib/x86_64-linux-gnu/libcuda.so.1").exists()
                || new java.io.File("/usr/local/nvidia/lib64/libcuda.so.1").exists()
                || new java.io.File("/usr/lib64/libcuda.so.1").exists();
        assumeFalse(driverPresent, "a CUDA driver is installed here; the reason will be another one");
        if (KernelImage.fatbin().isPresent()) {
            assertEquals("no CUDA driver (libcuda.so.1 not found)", availability.reason());
        } else {
            assertTrue(availability.reason().startsWith("this build has no CUDA kernels"), availability.reason());
        }
    }

    @Test
    void selectingCudaWhereItCannotRunFailsWithOneLineNamingTheReason(@TempDir Path dir) {
        CudaAvailability availability = CudaBackend.availability();
        assumeFalse(availability.available(), "this machine has a usable GPU");
        Path model = RandomCheckpoint.write(dir, RandomCheckpoint.Spec.small());
        ModelConfig config = ConfigLoader.load(model);
        ModelWeights weights = WeightLoader.load(model, config, false);
        CudaUnavailableException e = assertThrows(CudaUnavailableException.class,
                () -> CudaBackend.open(config, weights, 16));
        assertEquals("backend 'cuda' is not available here: " + availability.reason(), e.getMessage());
        assertTrue(e instanceof IllegalArgumentException, "the CLI prints IllegalArgumentExceptions as one line");
        assertEquals(null, e.getCause());
    }

    @Test
    void recognisesTheBackendName() {
        assertTrue(CudaBackend.isRequested("cuda"));
        assertTrue(CudaBackend.isRequested(" CUDA "));
        assertFalse(CudaBackend.isRequested("auto"));
        assertFalse(CudaBackend.isRequested(null));
    }
}
