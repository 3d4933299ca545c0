package dev.plt.model.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every launch {@link DeviceKernels} builds passes arguments whose number and types match the kernel's
 * parameters in the compiled PTX: a wrong order of pointers and ints would otherwise only show on a GPU
 * as garbage or a crash. (The host replay checks the same against the C++ signatures.)
 */
class KernelSignatureTest {
    @Test
    void everyLaunchMatchesItsPtxParameterList() {
        String ptx = KernelImage.ptx().orElse(null);
        assumeTrue(ptx != null, "this build has no kernels (no nvcc)");
        Map<String, List<String>> entries = PtxEntries.parse(ptx);
        CapturingGpu gpu = new CapturingGpu();
        launchEveryKernel(new DeviceKernels(gpu));
        Set<String> seen = new HashSet<>();
        for (KernelLaunch launch : gpu.launches) {
            List<String> expected = entries.get(launch.kernel());
            List<String> actual = Arrays.stream(launch.args().types()).map(PtxEntries::ptxType).toList();
            assertEquals(expected, actual, "arguments of " + launch.kernel());
            seen.add(launch.kernel());
        }
        assertEquals(new HashSet<>(DeviceKernels.ALL), seen, "a kernel was not exercised by this test");
    }

    @Test
    void launchesUseWholeWarpsAndSkipEmptyWork() {
        CapturingGpu gpu = new CapturingGpu();
        DeviceKernels kernels = new DeviceKernels(gpu);
        launchEveryKernel(kernels);
        for (KernelLaunch launch : gpu.launches) {
            assertEquals(0, launch.threads() % 32, launch.kernel());
            assertTrue(launch.threads() <= LaunchMath.MAX_THREADS, launch.kernel());
        }
        int before = gpu.launches.size();
        kernels.storeKv(1, 8, 4, 2, 1, 1, 1, 0);
        kernels.toBf16(1, 1, 0);
        kernels.gemm(1, 1, 1, 0, 8, 8, false);
        assertEquals(before, gpu.launches.size(), "launches with no rows must not reach the device");
        assertTrue(gpu.gemms.stream().allMatch(g -> g.n() > 0));
    }

    /** One launch of every kernel, with small made-up shapes. */
    static void launchEveryKernel(DeviceKernels k) {
        k.embedRows(1, 2, 3, 4, 0.5f, 1f, 3, 64);
        k.copyVectors(1, 2, 2, 64);
        k.toBf16(1, 2, 100);
        k.rmsnorm(1, 64, true, 2, 64, 0, 3, 1e-5f, 3, 64);
        k.ropeBias(1, 128, 0, 2, 3, 4, 3, 4, 2, 16);
        k.storeKv(1, 128, 64, 32, 2, 3, 4, 3);
        k.attendCache(1, 64, 2, 128, 3, 4, 5, 6, 2, 2, 4, 2, 16, 0.25f);
        k.gateQuery(1, 2, 128, 3, 2, 4, 5, 4, 16);
        k.gateHidden(1, 2, 3, 2, 4, 1e-5f, 5, 6, 4, 64);
        k.windowMix(1, 64, 2, 128, 64, 32, 3, 2, 4, 5, 6, 7, 4, 8, 4, 2, 16, 3, 0.25f);
        k.swiglu(1, 2, 3, 96);
        k.argmax(1, 2, 3, 300);
        k.sample(1, 2, 3, 4, 3, 300);
    }
}
