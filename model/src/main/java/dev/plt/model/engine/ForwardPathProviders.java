package dev.plt.model.engine;

import dev.plt.model.config.ModelConfig;
import dev.plt.model.weights.ModelWeights;
import java.util.Locale;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Finds the {@link ForwardPathProvider} for a backend value. CPU backends (auto, vector, scalar...) have
 * none and run on {@link FastPath}; {@code cuda} and {@code cuda:N} need the plt-cuda module on the
 * classpath, and without it fail with one line that says so.
 */
public final class ForwardPathProviders {
    static final String CUDA_MISSING = "--backend cuda needs the plt-cuda module: build with -Pcuda / add "
            + "plt-cuda.jar (with its JavaCPP CUDA jars) to the classpath";

    private ForwardPathProviders() {
    }

    /** Whether a backend value names the GPU backend: {@code cuda} or {@code cuda:N}, any case. */
    public static boolean namesCuda(String backend) {
        if (backend == null) {
            return false;
        }
        String b = backend.trim().toLowerCase(Locale.ROOT);
        return b.equals("cuda") || b.startsWith("cuda:");
    }

    /**
     * Opens the path of the provider that serves {@code backend}, or returns empty when no provider does
     * and the backend is not cuda (a CPU backend, for the caller to select).
     *
     * @throws IllegalArgumentException for cuda without plt-cuda, or the provider's reason it cannot run
     */
    public static Optional<ForwardPathProvider.Opened> open(ModelConfig config, ModelWeights weights,
            String backend, int prefillChunk) {
        Optional<ForwardPathProvider> provider = find(backend);
        if (provider.isEmpty()) {
            if (namesCuda(backend)) {
                throw new IllegalArgumentException(CUDA_MISSING);
            }
            return Optional.empty();
        }
        return Optional.of(provider.get().open(config, weights, backend, prefillChunk));
    }

    /** The first provider on the classpath (plt-model's class loader) that serves {@code backend}. */
    public static Optional<ForwardPathProvider> find(String backend) {
        for (ForwardPathProvider provider : ServiceLoader.load(ForwardPathProvider.class,
                ForwardPathProvider.class.getClassLoader())) {
            if (provider.serves(backend)) {
                return Optional.of(provider);
            }
        }
        return Optional.empty();
    }
}
