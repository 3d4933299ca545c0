package dev.plt.model.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.plt.model.engine.ForwardPathProviders;
import dev.plt.model.engine.ReferencePath;
import dev.plt.model.checkpoint.RandomCheckpoint;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backends from optional modules, found through ForwardPathProvider services. plt-cuda is not on this
 * module's classpath, so the cuda backend must fail with one line naming the module; a provider that is
 * on the classpath (the test's stub) is used, and the CPU backends need none.
 */
class OptionalBackendTest {
    private static final String MISSING = "--backend cuda needs the plt-cuda module: build with -Pcuda / add "
            + "plt-cuda.jar (with its JavaCPP CUDA jars) to the classpath";

    @TempDir
    static Path dir;
    private static Path checkpoint;

    @BeforeAll
    static void write() {
        checkpoint = RandomCheckpoint.write(dir.resolve("small"), RandomCheckpoint.Spec.small());
    }

    @Test
    void cudaWithoutPltCudaFailsWithOneLineNamingTheModule() {
        for (String backend : List.of("cuda", "cuda:1", " CUDA ")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> PltModel.load(checkpoint, EngineOptions.defaults().withThreads(1).withBackend(backend)));
            assertEquals(MISSING, e.getMessage(), backend);
            assertFalse(e.getMessage().contains("\n"));
        }
    }

    @Test
    void aProviderOnTheClasspathServesItsBackend() {
        try (PltModel model = PltModel.load(checkpoint, EngineOptions.defaults().withThreads(1)
                .withBackend(StubPathProvider.NAME).withPrefillChunk(7))) {
            assertTrue(model.path() instanceof ReferencePath, model.path().getClass().getName());
            assertEquals("stub on the test classpath, chunk 7", model.backendName());
            assertEquals(1, model.score(List.of(new int[] {1, 2, 3})).size());
        }
    }

    @Test
    void cpuBackendsAndTheReferencePathNeedNoProvider() {
        try (PltModel model = PltModel.load(checkpoint, EngineOptions.defaults().withThreads(1).withBackend("scalar"))) {
            assertEquals("fast", model.path().name());
        }
        // the reference path ignores the backend, cuda included, as before
        try (PltModel model = PltModel.load(checkpoint, EngineOptions.defaults().withThreads(1).withBackend("cuda")
                .withPath("reference"))) {
            assertEquals("reference", model.backendName());
        }
    }

    @Test
    void namesCudaAndCudaN() {
        assertTrue(ForwardPathProviders.namesCuda("cuda"));
        assertTrue(ForwardPathProviders.namesCuda(" CUDA:3 "));
        assertFalse(ForwardPathProviders.namesCuda("auto"));
        assertFalse(ForwardPathProviders.namesCuda("cudax"));
        assertFalse(ForwardPathProviders.namesCuda(null));
        assertTrue(ForwardPathProviders.find("cuda").isEmpty(), "plt-cuda is not on plt-model's classpath");
    }
}
