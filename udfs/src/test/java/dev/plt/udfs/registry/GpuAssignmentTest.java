package dev.plt.udfs.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.plt.model.inference.EngineOptions;
import java.util.Map;
import org.apache.spark.resource.ResourceInformation;
import org.junit.jupiter.api.Test;

class GpuAssignmentTest {
    private static final ModelKey CUDA = new ModelKey("/m", new EngineOptions(1, "cuda", "fast", 256, false));

    @Test
    void aCudaTaskRunsOnTheGpuSparkGaveIt() {
        ModelKey resolved = GpuAssignment.resolve(CUDA,
                Map.of("gpu", new ResourceInformation("gpu", new String[] {"3"})));
        assertEquals("cuda:3", resolved.backend());
        assertEquals(CUDA.modelPath(), resolved.modelPath());
    }

    @Test
    void otherBackendsAndTasksWithoutGpusAreUnchanged() {
        ModelKey cpu = new ModelKey("/m", new EngineOptions(1, "auto", "fast", 256, false));
        Map<String, ResourceInformation> gpu = Map.of("gpu", new ResourceInformation("gpu", new String[] {"0"}));
        assertSame(cpu, GpuAssignment.resolve(cpu, gpu));
        assertSame(CUDA, GpuAssignment.resolve(CUDA, Map.of()));
    }
}
