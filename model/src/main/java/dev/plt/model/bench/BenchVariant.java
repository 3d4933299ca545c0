package dev.plt.model.bench;

import dev.plt.model.io.DType;
import dev.plt.model.checkpoint.RandomCheckpoint;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The model families {@code plt bench} compares on one set of weights (plt-spec section 2): a plain
 * model, vanilla (serial) loops that run the stack L times per token, and PLT with CLP, KV sharing and
 * G-SWA that runs all L loops of a step in one pass.
 */
public enum BenchVariant {
    NON_LOOP("non-loop", 1, "parallel"),
    LOOP_2("loop-2", 2, "serial"),
    LOOP_3("loop-3", 3, "serial"),
    PLT_2("plt-2", 2, "parallel"),
    PLT_3("plt-3", 3, "parallel");

    private final String id;
    private final int loops;
    private final String mode;

    BenchVariant(String id, int loops, String mode) {
        this.id = id;
        this.loops = loops;
        this.mode = mode;
    }

    /** The name used on the command line and in bench.json, e.g. "plt-2". */
    public String id() {
        return id;
    }

    public int loops() {
        return loops;
    }

    /** Passes through the decoder stack per decode step: L for serial loops, one for CLP and non-loop. */
    public int passesPerDecodeStep() {
        return mode.equals("serial") ? loops : 1;
    }

    /** config.json of this variant over the shared weights of {@code shape}. */
    public Map<String, Object> config(BenchShape shape, DType dtype) {
        RandomCheckpoint.Spec spec = shape.weightsSpec(dtype).withLoops(loops, mode);
        return RandomCheckpoint.config(spec);
    }

    /** The variant named {@code id} ("non-loop", "loop-2", "loop-3", "plt-2", "plt-3"), case-insensitive. */
    public static BenchVariant parse(String id) {
        String wanted = id.trim().toLowerCase(Locale.ROOT);
        for (BenchVariant v : values()) {
            if (v.id.equals(wanted)) {
                return v;
            }
        }
        throw new IllegalArgumentException("unknown variant '" + id + "'; valid: "
                + Arrays.stream(values()).map(BenchVariant::id).collect(Collectors.joining(", ")));
    }
}
