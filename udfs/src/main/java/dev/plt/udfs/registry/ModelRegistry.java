package dev.plt.udfs.registry;

import dev.plt.model.inference.PltModel;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One engine per model per executor JVM. The DJL Spark extension reloaded the model in every task
 * (its loader sat in the task closure); here the first task of a JVM loads it, later and concurrent
 * tasks wait for and share that instance, and a shutdown hook releases everything when the JVM ends.
 * {@link PltModel} is thread-safe, so sharing needs no further locking.
 */
public final class ModelRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(ModelRegistry.class);
    private static final Map<ModelKey, PltModel> MODELS = new ConcurrentHashMap<>();
    private static final AtomicInteger LOADS = new AtomicInteger();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ModelRegistry::releaseAll, "plt-model-registry-release"));
    }

    private ModelRegistry() {
    }

    /** The model for {@code key}, loading it if this JVM has not yet. */
    public static PltModel get(ModelKey key) {
        return MODELS.computeIfAbsent(key, k -> {
            LOADS.incrementAndGet();
            LOG.info("Loading model {} in this executor (threads={}, backend={})", k.modelPath(), k.threads(),
                    k.backend());
            return PltModel.load(Path.of(k.modelPath()), k.engineOptions());
        });
    }

    /** How many models this JVM has loaded since it started (tests check "once per executor"). */
    public static int loadCount() {
        return LOADS.get();
    }

    /**
     * The keys of the models this JVM holds now: what each engine was loaded with (tests check that
     * every engine setting of the command line reached the engine).
     */
    public static java.util.Set<ModelKey> loadedKeys() {
        return java.util.Set.copyOf(MODELS.keySet());
    }

    /** Closes and forgets every model (shutdown, or tests that want a fresh JVM state). */
    public static synchronized void releaseAll() {
        MODELS.values().forEach(PltModel::close);
        MODELS.clear();
    }
}
