package dev.plt.jobs.bench;

import dev.plt.model.io.DType;
import dev.plt.model.weights.WeightFormat;
import java.util.Locale;

/**
 * A weight dtype the bench runs the engine with ({@code --dtypes}): which checkpoint of the random model it loads,
 * and the {@code --weights} format it loads it with. int8 is the f32 checkpoint quantized at load.
 */
public enum EngineDtype {
    F32(DType.F32, WeightFormat.STORED),
    BF16(DType.BF16, WeightFormat.STORED),
    INT8(DType.F32, WeightFormat.INT8);

    private final DType checkpoint;
    private final WeightFormat weights;

    EngineDtype(DType checkpoint, WeightFormat weights) {
        this.checkpoint = checkpoint;
        this.weights = weights;
    }

    /** The dtype of the checkpoint loaded. */
    public DType checkpoint() {
        return checkpoint;
    }

    /** How the engine keeps its matrices. */
    public WeightFormat weights() {
        return weights;
    }

    /** The name in reports and options: f32, bf16, int8. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses one value of {@code option}; an unknown one gets a one-line error naming it. */
    public static EngineDtype parse(String name, String option) {
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "f32", "float32" -> F32;
            case "bf16", "bfloat16" -> BF16;
            case "int8", "q8" -> INT8;
            default -> throw new IllegalArgumentException(option + ": unknown dtype '" + name + "' (use f32, bf16, int8)");
        };
    }
}
