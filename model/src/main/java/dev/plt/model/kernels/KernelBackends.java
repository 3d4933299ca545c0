package dev.plt.model.kernels;

import dev.plt.model.kernels.pool.EnginePool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Locale;

/**
 * Chooses the kernel implementation from a configuration value.
 *
 * <p>{@link VectorKernels} needs the {@code jdk.incubator.vector} module, which the JVM only loads when
 * started with {@code --add-modules jdk.incubator.vector}. This class checks for the module first and only
 * then touches {@code VectorKernels} (in one method, {@code vector}), so a JVM without the module gets
 * the scalar kernels and a warning instead of a {@code NoClassDefFoundError}.
 */
public final class KernelBackends {
    private static final Logger LOG = LoggerFactory.getLogger(KernelBackends.class);

    /** The accepted values of {@code requested}, in the order they are documented. */
    public static final List<String> OPTIONS = List.of("auto", "vector", "vector-256", "vector-512", "scalar");

    static final String VECTOR_MODULE = "jdk.incubator.vector";

    /**
     * JVM system property: the activation rows from which a vector backend's matmul runs the packed GEMM
     * instead of the mat-vec tiles. Both give the same bits, so it changes speed only; benchmarks set it very
     * high to measure the mat-vec alone (e.g. {@code PLT_JAVA_OPTS=-Dplt.gemm.minRows=2147483647}).
     */
    public static final String GEMM_MIN_ROWS_PROPERTY = "plt.gemm.minRows";

    private KernelBackends() {
    }

    /** Whether the JVM was started with the Vector API module. */
    public static boolean vectorModulePresent() {
        return ModuleLayer.boot().findModule(VECTOR_MODULE).isPresent();
    }

    /**
     * @param requested "auto" (vector with the CPU's preferred width when the Vector API module is present,
     *                  else scalar with a warning), "vector" (preferred width), "vector-256", "vector-512" or
     *                  "scalar"; case-insensitive, surrounding blanks ignored
     * @param pool      the engine's pool, used by matmul
     * @throws IllegalArgumentException for any other value
     * @throws IllegalStateException    when a vector backend is requested explicitly but the module is absent
     */
    public static Kernels select(String requested, EnginePool pool) {
        return select(requested, pool, vectorModulePresent());
    }

    /** {@link #select(String, EnginePool)} with module presence given, so tests can simulate its absence. */
    static Kernels select(String requested, EnginePool pool, boolean vectorModulePresent) {
        String option = requested == null ? "" : requested.trim().toLowerCase(Locale.ROOT);
        if (!OPTIONS.contains(option)) {
            throw new IllegalArgumentException("Unknown kernel backend '" + requested + "'; valid options: "
                    + String.join(", ", OPTIONS));
        }
        int threads = pool == null ? 1 : pool.threads();
        if (option.equals("scalar")) {
            return scalar(pool, threads);
        }
        if (!vectorModulePresent) {
            if (!option.equals("auto")) {
                throw new IllegalStateException("Kernel backend '" + option + "' needs the Vector API module "
                        + VECTOR_MODULE + ", which this JVM lacks: add '--add-modules " + VECTOR_MODULE
                        + "' to the JVM options (or use 'auto' or 'scalar')");
            }
            LOG.warn("Vector API module {} is missing: falling back to the slow scalar kernels. Add "
                    + "'--add-modules {}' to the JVM options (driver and executors) for vector kernels.",
                    VECTOR_MODULE, VECTOR_MODULE);
            return scalar(pool, threads);
        }
        return vector(option, pool, threads);
    }

    private static Kernels scalar(EnginePool pool, int threads) {
        ScalarKernels kernels = new ScalarKernels(pool);
        LOG.info("Kernel backend: {} (no vectors), {} thread(s)", kernels.name(), threads);
        return kernels;
    }

    /**
     * The only method that touches the Vector API: VectorKernels is linked (and the module's classes
     * loaded) when this runs, never when KernelBackends itself is loaded.
     */
    private static Kernels vector(String option, EnginePool pool, int threads) {
        int preferredBits = VectorKernels.preferredSpecies().vectorBitSize();
        int bits = switch (option) {
            case "vector-256" -> 256;
            case "vector-512" -> 512;
            default -> Math.min(preferredBits, 512); // "auto", "vector": wider shapes (ARM SVE) use 512
        };
        if (bits < 128) {
            String problem = "this CPU has no vector unit the Vector API can use (preferred " + preferredBits + " bits)";
            if (!option.equals("auto")) {
                throw new IllegalStateException("Kernel backend '" + option + "': " + problem);
            }
            LOG.warn("{}: falling back to the scalar kernels", problem);
            return scalar(pool, threads);
        }
        if (bits > preferredBits) {
            LOG.warn("Kernel backend {} asks for {}-bit vectors but this CPU's widest is {} bits: the Vector API "
                    + "will emulate them, very slowly. Use 'auto'.", option, bits, preferredBits);
        }
        String property = System.getProperty(GEMM_MIN_ROWS_PROPERTY);
        int gemmMinRows = gemmMinRows(property, bits);
        // without the property each weight type has its own default (int8 switches earlier); with it, all use it
        int int8GemmMinRows = property == null ? VectorKernels.DEFAULT_INT8_GEMM_MIN_ROWS : gemmMinRows;
        VectorKernels kernels = property == null ? new VectorKernels(pool, VectorKernels.speciesOfBits(bits))
                : new VectorKernels(pool, VectorKernels.speciesOfBits(bits), gemmMinRows);
        LOG.info("Kernel backend: {} ({}-bit vectors, {} float lanes), {} thread(s), packed GEMM from {} rows ({} "
                + "with int8 weights)", kernels.name(), kernels.vectorBits(), bits / Float.SIZE, threads, gemmMinRows,
                int8GemmMinRows);
        return kernels;
    }

    /** The value of {@link #GEMM_MIN_ROWS_PROPERTY} (null: the default for {@code bits}-bit vectors). */
    static int gemmMinRows(String value, int bits) {
        if (value == null) {
            return VectorKernels.defaultGemmMinRows(bits);
        }
        try {
            int rows = Integer.parseInt(value.trim());
            if (rows >= 1) {
                return rows;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("-D" + GEMM_MIN_ROWS_PROPERTY + " must be a whole number >= 1, got '"
                + value + "'");
    }
}
