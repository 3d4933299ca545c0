package dev.plt.model.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.plt.model.engine.ForwardPathProviders;
import dev.plt.model.inference.EngineOptions;
import dev.plt.model.inference.PltModel;
import dev.plt.model.checkpoint.RandomCheckpoint;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With plt-cuda on the classpath, plt-model finds the CUDA backend through its service entry. */
class CudaPathProviderTest {
    @Test
    void theServiceEntryServesCudaAndCudaNOnly() {
        assertTrue(ForwardPathProviders.find("cuda").orElseThrow() instanceof CudaPathProvider);
        assertTrue(ForwardPathProviders.find("cuda:2").orElseThrow() instanceof CudaPathProvider);
        assertTrue(ForwardPathProviders.find("auto").isEmpty());
        assertTrue(ForwardPathProviders.find("scalar").isEmpty());
    }

    @Test
    void pltModelOpensTheCudaPathOrSaysWhyTheGpuCannotBeUsed(@TempDir Path dir) {
        CudaAvailability availability = CudaBackend.availability();
        assumeFalse(availability.available(), "this machine has a usable GPU");
        Path model = RandomCheckpoint.write(dir, RandomCheckpoint.Spec.small());
        CudaUnavailableException e = assertThrows(CudaUnavailableException.class,
                () -> PltModel.load(model, EngineOptions.defaults().withThreads(1).withBackend("cuda:0")));
        assertEquals("backend 'cuda' is not available here: " + availability.reason(), e.getMessage());
        assertFalse(e.getMessage().contains("plt-cuda module"), "the module is here: " + e.getMessage());
    }

    @Test
    void aBadDeviceNumberIsNamed(@TempDir Path dir) {
        Path model = RandomCheckpoint.write(dir, RandomCheckpoint.Spec.small());
        CudaUnavailableException e = assertThrows(CudaUnavailableException.class,
                () -> PltModel.load(model, EngineOptions.defaults().withThreads(1).withBackend("cuda:x")));
        assertTrue(e.getMessage().contains("'cuda:x'"), e.getMessage());
    }
}
