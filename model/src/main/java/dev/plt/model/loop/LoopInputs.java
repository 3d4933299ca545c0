package dev.plt.model.loop;

import dev.plt.model.config.ModelConfig;

/**
 * The CLP input rule of plt-spec section 3, written once for every engine: the input B of a row of a
 * {@link ClpPlan} is {@code embeddingScale * E(x_t) + sourceScale * source}, the source being the carry or
 * a row of the previous pass. The CPU engine calls {@link #write}; the CUDA engine passes the two scales to
 * its {@code plt_embed_rows} kernel, which does the same multiply-add on the device.
 */
public final class LoopInputs {
    private LoopInputs() {
    }

    /** The factor of E(x_t): 1 for loop 0, {@code plt_emb_scale} (a) for PLT loops >= 1, 0 for serial loops. */
    public static float embeddingScale(ModelConfig config, ClpPlan.Input input) {
        return switch (input) {
            case EMBEDDING -> 1f;
            case CARRY, PREVIOUS_ROW -> config.embScale();
            case SERIAL_ROW -> 0f;
        };
    }

    /** The factor of the source: 0 for loop 0, {@code plt_hidden_scale} (b) for PLT loops >= 1, 1 for serial. */
    public static float sourceScale(ModelConfig config, ClpPlan.Input input) {
        return switch (input) {
            case EMBEDDING -> 0f;
            case CARRY, PREVIOUS_ROW -> config.hiddenScale();
            case SERIAL_ROW -> 1f;
        };
    }

    /**
     * Writes one row's input B ({@code hiddenSize} floats at {@code out[outOff]}) from its embedding
     * {@code E(x_t)} and its source (ignored for {@link ClpPlan.Input#EMBEDDING}). Rows whose scales are
     * 1 and 0 are copied, not multiplied, so B is bit for bit E(x_t) or the source.
     */
    public static void write(ModelConfig config, ClpPlan.Input input, float[] embedding, int eOff, float[] source,
            int sOff, float[] out, int outOff) {
        int d = config.hiddenSize();
        switch (input) {
            case EMBEDDING -> System.arraycopy(embedding, eOff, out, outOff, d);
            case SERIAL_ROW -> System.arraycopy(source, sOff, out, outOff, d);
            case CARRY, PREVIOUS_ROW -> {
                float a = embeddingScale(config, input);
                float b = sourceScale(config, input);
                for (int i = 0; i < d; i++) {
                    out[outOff + i] = a * embedding[eOff + i] + b * source[sOff + i];
                }
            }
        }
    }
}
