package dev.plt.model.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The kernels nvcc built at package time are in the jar's resources and export what Java launches. */
class KernelImageTest {
    @Test
    void buildProducedTheFatbinAndPtxWhereverNvccIsPresent() {
        assumeTrue(NvccLocator.find().isPresent(), "no nvcc here: the build made no kernels, nothing to check");
        assumeTrue(!Boolean.getBoolean("plt.kernels.skip"), "the build was told to skip the kernels");
        byte[] fatbin = KernelImage.fatbin().orElseThrow(() -> new AssertionError(
                "nvcc is at " + NvccLocator.find().get() + " but the jar has no " + KernelImage.FATBIN));
        assertTrue(KernelImage.isFatbin(fatbin), "plt_kernels.fatbin does not start with the fatbin magic");
        assertTrue(KernelImage.ptx().isPresent(), "no " + KernelImage.PTX);
        assertTrue(KernelImage.ptx().get().contains(".target sm_90"), "the PTX is not for compute_90");
    }

    @Test
    void ptxExportsEveryKernelTheJavaSideLaunches() {
        String ptx = KernelImage.ptx().orElse(null);
        assumeTrue(ptx != null, "this build has no kernels (no nvcc)");
        Map<String, List<String>> entries = PtxEntries.parse(ptx);
        for (String kernel : DeviceKernels.ALL) {
            assertTrue(entries.containsKey(kernel), kernel + " is launched but not in the PTX: " + entries.keySet());
        }
        assertEquals(DeviceKernels.ALL.size(), entries.size(),
                "the module has entry points no Java code launches: " + entries.keySet());
    }

    @Test
    void parsesEntriesAndParameterTypes() {
        String ptx = """
                .visible .entry plt_a(
                	.param .u64 .ptr .align 1 plt_a_param_0,
                	.param .u32 plt_a_param_1,
                	.param .f32 plt_a_param_2
                )
                {
                }
                .visible .entry plt_b()
                {
                }
                """;
        Map<String, List<String>> entries = PtxEntries.parse(ptx);
        assertEquals(List.of("u64", "u32", "f32"), entries.get("plt_a"));
        assertEquals(List.of(), entries.get("plt_b"));
    }

    @Test
    void recognisesTheFatbinMagic() {
        assertTrue(KernelImage.isFatbin(new byte[] {0x50, (byte) 0xED, 0x55, (byte) 0xBA, 1}));
        assertTrue(!KernelImage.isFatbin(".version 9.0".getBytes()));
    }
}
