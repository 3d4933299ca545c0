package dev.plt.model.config;

/**
 * Everything the engine needs from {@code config.json}, with the spec's defaults applied
 * (plt-spec sections 5 and 8). Built by {@link ConfigLoader}; tests build it directly.
 *
 * @param windowSize   w of {@code plt_window_size = [w, 0]}: the local branch sees w + 1 keys
 */
public record ModelConfig(
        String modelType,
        int hiddenSize,
        int intermediateSize,
        int numLayers,
        int numHeads,
        int numKvHeads,
        int headDim,
        int vocabSize,
        float rmsNormEps,
        double ropeTheta,
        int maxPositionEmbeddings,
        boolean tieWordEmbeddings,
        boolean attentionBias,
        String torchDtype,
        int numLoops,
        LoopMode loopMode,
        boolean kvShare,
        boolean gswa,
        GateInput gateInput,
        int windowSize,
        float embScale,
        float hiddenScale,
        boolean normalizePerLoop) {

    public ModelConfig {
        require(hiddenSize > 0, "hidden_size must be > 0");
        require(intermediateSize > 0, "intermediate_size must be > 0");
        require(numLayers > 0, "num_hidden_layers must be > 0");
        require(numHeads > 0, "num_attention_heads must be > 0");
        require(numKvHeads > 0 && numHeads % numKvHeads == 0,
                "num_key_value_heads (" + numKvHeads + ") must divide num_attention_heads (" + numHeads + ")");
        require(headDim > 0 && headDim % 2 == 0, "head_dim must be even and > 0 (RoPE rotates halves)");
        require(vocabSize > 0, "vocab_size must be > 0");
        require(maxPositionEmbeddings > 0, "max_position_embeddings must be > 0");
        require(rmsNormEps >= 0 && Float.isFinite(rmsNormEps), "rms_norm_eps must be a finite number >= 0");
        require(ropeTheta > 0 && Double.isFinite(ropeTheta), "rope_theta must be a finite number > 0");
        require(Float.isFinite(embScale) && Float.isFinite(hiddenScale),
                "plt_emb_scale and plt_hidden_scale must be finite");
        require(numLoops >= 1, "plt_num_loops must be >= 1");
        require(windowSize >= 0, "plt_window_size must be [w, 0] with w >= 0");
        require((numLoops == 1) == (loopMode == LoopMode.NONE),
                "plt_loop_mode must be NONE exactly when plt_num_loops = 1");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new ConfigException(message);
        }
    }

    /** Query heads per key/value head (GQA group size). */
    public int groupSize() {
        return numHeads / numKvHeads;
    }

    public int kvDim() {
        return numKvHeads * headDim;
    }

    public int queryDim() {
        return numHeads * headDim;
    }

    /** How loop {@code loop} (0-based: 0 is the spec's loop 1) attends; see {@link LoopAttention}. */
    public LoopAttention attentionOf(int loop) {
        if (loop == 0 || loopMode != LoopMode.PARALLEL || !kvShare) {
            return LoopAttention.OWN_FULL_CACHE;
        }
        return gswa ? LoopAttention.SHARED_PLUS_WINDOW : LoopAttention.SHARED_ONLY;
    }

    /** True when some loop uses G-SWA, so gate tensors are required (plt-spec section 8). */
    public boolean usesGate() {
        for (int l = 0; l < numLoops; l++) {
            if (attentionOf(l) == LoopAttention.SHARED_PLUS_WINDOW) {
                return true;
            }
        }
        return false;
    }

    /** A short human description, e.g. "PLT-2 (kv-share + G-SWA w=64)". */
    public String familyName() {
        return switch (loopMode) {
            case NONE -> "non-loop";
            case SERIAL -> "vanilla loop-" + numLoops;
            case PARALLEL -> "PLT-" + numLoops + (!kvShare ? " (CLP only)"
                    : gswa ? " (kv-share + G-SWA w=" + windowSize + ")" : " (kv-share only)");
        };
    }
}
