package dev.plt.model.bench;

import dev.plt.model.io.DType;
import dev.plt.model.checkpoint.RandomCheckpoint;

/**
 * The shape of the random model {@code plt bench} measures, shared by all its variants: the variants
 * differ only in config.json (loops, loop mode), never in weights.
 *
 * @param window w of G-SWA ({@code plt_window_size = [w, 0]}) for the PLT variants
 * @param seed   seed of the random weights: the same seed gives the same weights in every dtype
 */
public record BenchShape(int hidden, int intermediate, int layers, int heads, int kvHeads, int headDim, int vocab,
        int window, long seed) {

    /** The measured shape: Llama-style d=768, 16 layers, SwiGLU 2048, GQA 12/4 heads, 32k vocab (150M params). */
    public static BenchShape full() {
        return new BenchShape(768, 2048, 16, 12, 4, 64, 32000, 64, 1);
    }

    /** A tiny shape that runs every step of the bench in seconds: for tests and trying options out. */
    public static BenchShape quick() {
        return new BenchShape(64, 128, 2, 4, 2, 16, 512, 64, 1);
    }

    /** The cache directory name: every field that changes the weights or the configs. */
    public String key() {
        return "d" + hidden + "-ff" + intermediate + "-l" + layers + "-h" + heads + "-kv" + kvHeads + "-hd" + headDim
                + "-v" + vocab + "-w" + window + "-s" + seed;
    }

    /** Parameters of the non-loop model (no gate tensors); embeddings and LM head are separate matrices. */
    public long parameters() {
        long attention = (long) hidden * heads * headDim * 2 + (long) hidden * kvHeads * headDim * 2;
        long mlp = 3L * hidden * intermediate;
        long perLayer = attention + mlp + 2L * hidden;
        return layers * perLayer + 2L * vocab * hidden + hidden;
    }

    /**
     * The checkpoint spec of the shared weights: PLT-2 with G-SWA, so the file holds the gate tensors
     * the PLT variants need; the other variants' configs simply do not read them (plt-spec section 8).
     */
    public RandomCheckpoint.Spec weightsSpec(DType dtype) {
        return RandomCheckpoint.Spec.small()
                .withShape(hidden, intermediate, layers, heads, kvHeads, headDim, vocab)
                .withLoops(2, "parallel")
                .withSharing(true, true, false, window)
                .withFormat(false, false, dtype, seed, 1);
    }
}
