package dev.plt.model.weights;

import java.util.Locale;

/**
 * How the engine keeps the big weight matrices (attention q/k/v/o, MLP gate/up/down, the LM head) in memory:
 * {@code --weights}. Embeddings, norms, biases and the PLT gate stay as loaded (f32, or bf16 as stored):
 * they are small, or (embeddings) read one row per token.
 */
public enum WeightFormat {
    /** As the checkpoint stores them: bf16 stays bf16, f32 and f16 become f32. */
    STORED,
    /** Everything f32 (bf16 widened, exact). */
    F32,
    /** The big matrices rounded to bf16 (to nearest even); bf16 checkpoints load as stored. */
    BF16,
    /** The big matrices quantized to 8 bits with one f32 scale per 32 input features ({@code Int8Matrix}). */
    INT8;

    /** The option's spelling, e.g. "int8". */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code --weights}; an unknown value gets a one-line error naming the option. */
    public static WeightFormat of(String value) {
        for (WeightFormat format : values()) {
            if (format.id().equals(value.trim().toLowerCase(Locale.ROOT))) {
                return format;
            }
        }
        throw new IllegalArgumentException("--weights: unknown weight format '" + value
                + "' (use stored, f32, bf16 or int8)");
    }
}
