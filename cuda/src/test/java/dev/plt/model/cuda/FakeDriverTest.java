package dev.plt.model.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The real JavaCPP bindings and {@link DriverGpu}, end to end, without a GPU: a new JVM loads stand-in
 * libcuda / libcublas libraries that run the kernels on CPU threads ({@link FakeDriver}) and runs the
 * device-check program itself (GpuCheck: availability, parity on part of the grid, the latency program on
 * a tiny model). This is what checks the argument marshalling of cuLaunchKernel and cublasGemmEx through
 * JavaCPP (it found cuLaunchKernel's void** parameter passed by pointer-to-pointer). What it cannot check:
 * the real driver's behaviour, real concurrency, speed.
 */
class FakeDriverTest {
    @Test
    void deviceCheckProgramRunsOnTheEmulatedDriverAndParityPasses(@org.junit.jupiter.api.io.TempDir Path out)
            throws IOException {
        StringBuilder why = new StringBuilder();
        Path libraries = FakeDriver.libraries(why).orElse(null);
        assumeTrue(libraries != null, () -> "fake driver not built: " + why);
        assumeTrue(KernelImage.fatbin().isPresent(), "this build has no kernels (no nvcc)");
        FakeDriver.Result result = FakeDriver.runGpuCheck(libraries, List.of("all", "--out", out.toString(),
                "--cases", "PLT-3 G-SWA query gate|PLT-2 G-SWA hidden-state gate|vanilla loop-2",
                "--shape", "tiny", "--batches", "1,3", "--prompt", "6", "--warmup", "1", "--steps", "2"), 600);
        String log = result.output();
        assertTrue(log.contains("CUDA available: host emulation (sm_90"), log);
        assertTrue(log.contains("parity: all cases PASS"), log);
        assertEquals(0, result.exitCode(), log);
        List<String> latency = Files.readAllLines(out.resolve("latency.csv"));
        assertEquals(1 + 3 * 2, latency.size(), "header + 3 families x 2 batch sizes: " + latency);
        assertTrue(Files.readString(out.resolve("parity.txt")).contains("PLT-3 G-SWA query gate"));
    }

    @Test
    void driverAndCublasErrorsComeBackAsOneLineNamingTheCall() {
        StringBuilder why = new StringBuilder();
        Path libraries = FakeDriver.libraries(why).orElse(null);
        assumeTrue(libraries != null, () -> "fake driver not built: " + why);
        assumeTrue(KernelImage.fatbin().isPresent(), "this build has no kernels (no nvcc)");
        FakeDriver.Result result = FakeDriver.run(libraries, "dev.plt.model.cuda.FakeDriverProbe", List.of(), 120);
        String log = result.output();
        assertEquals(0, result.exitCode(), log);
        assertTrue(log.contains("allocation: cuMemAlloc(1125899906842624 bytes) failed: CUDA_ERROR_OUT_OF_MEMORY (2)"), log);
        assertTrue(log.contains("gemm: cublasGemmEx(8x1x8) failed: CUBLAS_STATUS_INVALID_VALUE"), log);
        assertTrue(log.contains("second thread: [7, 8, 9, 10]"), log);
        assertTrue(log.contains("allocated after free: 0"), log);
    }
}
