package dev.plt.trainer.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.plt.model.io.DType;
import dev.plt.model.checkpoint.RandomCheckpoint;
import java.util.Map;

/**
 * The shape of a PLT model and its loop switches: every knob of plt-spec sections 2-5 the trainer
 * supports. Read from the {@code model:} section of a training conf (snake_case keys, absent keys take
 * the spec's defaults) and written out as {@code config.json} by {@link #configJson()}.
 *
 * @param loopMode "parallel" (PLT) or "serial" (vanilla loop); ignored when {@code loops == 1}
 * @param window   w of {@code plt_window_size = [w, 0]}: the local branch sees w + 1 keys
 */
public record PltArchitecture(
        @JsonProperty("hidden_size") int hiddenSize,
        @JsonProperty("intermediate_size") int intermediateSize,
        @JsonProperty("num_layers") int numLayers,
        @JsonProperty("num_heads") int numHeads,
        @JsonProperty("num_kv_heads") Integer numKvHeads,
        @JsonProperty("head_dim") Integer headDim,
        @JsonProperty("vocab_size") Integer vocabSize,
        @JsonProperty("loops") Integer loops,
        @JsonProperty("loop_mode") String loopMode,
        @JsonProperty("kv_share") Boolean kvShare,
        @JsonProperty("gswa") Boolean gswa,
        @JsonProperty("gate_uses_hidden_states") Boolean gateUsesHiddenStates,
        @JsonProperty("window") Integer window,
        @JsonProperty("emb_scale") Double embScale,
        @JsonProperty("hidden_scale") Double hiddenScale,
        @JsonProperty("normalize_per_loop") Boolean normalizePerLoop,
        @JsonProperty("attention_bias") Boolean attentionBias,
        @JsonProperty("tie_word_embeddings") Boolean tieWordEmbeddings,
        @JsonProperty("rope_theta") Double ropeTheta,
        @JsonProperty("rms_norm_eps") Double rmsNormEps,
        @JsonProperty("max_position_embeddings") Integer maxPositionEmbeddings) {

    /** Byte-level vocabulary: 256 byte tokens plus {@code <|endoftext|>} = 256. */
    public static final int BYTE_VOCAB = 257;
    public static final int EOS_ID = 256;

    public PltArchitecture {
        numKvHeads = orDefault(numKvHeads, numHeads);
        headDim = orDefault(headDim, numHeads > 0 ? hiddenSize / numHeads : 0);
        vocabSize = orDefault(vocabSize, BYTE_VOCAB);
        loops = orDefault(loops, 1);
        loopMode = orDefault(loopMode, "parallel");
        kvShare = orDefault(kvShare, true);
        gswa = orDefault(gswa, true);
        gateUsesHiddenStates = orDefault(gateUsesHiddenStates, false);
        window = orDefault(window, 64);
        embScale = orDefault(embScale, 1.0);
        hiddenScale = orDefault(hiddenScale, 1.0);
        normalizePerLoop = orDefault(normalizePerLoop, false);
        attentionBias = orDefault(attentionBias, false);
        tieWordEmbeddings = orDefault(tieWordEmbeddings, false);
        ropeTheta = orDefault(ropeTheta, 10000.0);
        rmsNormEps = orDefault(rmsNormEps, 1e-5);
        maxPositionEmbeddings = orDefault(maxPositionEmbeddings, 4096);

        require(hiddenSize > 0 && intermediateSize > 0 && numLayers > 0 && numHeads > 0,
                "hidden_size, intermediate_size, num_layers and num_heads must be > 0");
        require(numKvHeads > 0 && numHeads % numKvHeads == 0, "num_kv_heads must divide num_heads");
        require(headDim > 0 && headDim % 2 == 0, "head_dim must be even and > 0 (RoPE rotates halves)");
        // The exported tokenizer is byte-level (ids 0..256), so the model must cover those ids.
        require(vocabSize >= BYTE_VOCAB, "vocab_size must be >= 257 (256 bytes + <|endoftext|>)");
        require(loops >= 1, "loops must be >= 1");
        require(loopMode.equals("parallel") || loopMode.equals("serial"), "loop_mode must be parallel or serial");
        require(window >= 0, "window must be >= 0");
    }

    /** A model with the given shape and the spec's defaults for everything else (one loop). */
    public static PltArchitecture of(int hidden, int intermediate, int layers, int heads, int kvHeads, int headDim) {
        return new PltArchitecture(hidden, intermediate, layers, heads, kvHeads, headDim, null, null, null, null,
                null, null, null, null, null, null, null, null, null, null, null);
    }

    public PltArchitecture withLoops(int n, String mode, boolean share, boolean useGswa, boolean hiddenGate, int w) {
        return new PltArchitecture(hiddenSize, intermediateSize, numLayers, numHeads, numKvHeads, headDim, vocabSize,
                n, mode, share, useGswa, hiddenGate, w, embScale, hiddenScale, normalizePerLoop, attentionBias,
                tieWordEmbeddings, ropeTheta, rmsNormEps, maxPositionEmbeddings);
    }

    public PltArchitecture withScales(double emb, double carry, boolean perLoopNorm) {
        return new PltArchitecture(hiddenSize, intermediateSize, numLayers, numHeads, numKvHeads, headDim, vocabSize,
                loops, loopMode, kvShare, gswa, gateUsesHiddenStates, window, emb, carry, perLoopNorm, attentionBias,
                tieWordEmbeddings, ropeTheta, rmsNormEps, maxPositionEmbeddings);
    }

    public PltArchitecture withFormat(boolean bias, boolean tied) {
        return new PltArchitecture(hiddenSize, intermediateSize, numLayers, numHeads, numKvHeads, headDim, vocabSize,
                loops, loopMode, kvShare, gswa, gateUsesHiddenStates, window, embScale, hiddenScale, normalizePerLoop,
                bias, tied, ropeTheta, rmsNormEps, maxPositionEmbeddings);
    }

    @JsonIgnore
    public boolean isParallel() {
        return loops > 1 && loopMode.equals("parallel");
    }

    /** plt-spec sections 2, 4 and 8: the attention of loop {@code loop} (0-based; 0 is the spec's loop 1). */
    public AttentionKind attentionOf(int loop) {
        if (loop == 0 || !isParallel() || !kvShare) {
            return AttentionKind.OWN_CAUSAL;
        }
        return gswa ? AttentionKind.SHARED_GATED_WINDOW : AttentionKind.SHARED;
    }

    /** Gate tensors exist only when some loop uses G-SWA (plt-spec section 8). */
    @JsonIgnore
    public boolean hasGate() {
        return loops > 1 && attentionOf(1) == AttentionKind.SHARED_GATED_WINDOW;
    }

    @JsonIgnore
    public int queryDim() {
        return numHeads * headDim;
    }

    @JsonIgnore
    public int kvDim() {
        return numKvHeads * headDim;
    }

    /** The checkpoint's config.json (plt-spec section 5), f32, byte-level EOS id. */
    public Map<String, Object> configJson() {
        RandomCheckpoint.Spec spec = new RandomCheckpoint.Spec(hiddenSize, intermediateSize, numLayers, numHeads,
                numKvHeads, headDim, vocabSize, loops, loopMode, kvShare, gswa, gateUsesHiddenStates, window,
                embScale, hiddenScale, normalizePerLoop, attentionBias, tieWordEmbeddings, DType.F32, 0, 1);
        Map<String, Object> config = RandomCheckpoint.config(spec);
        // RandomCheckpoint fixes these three; a trained model states its own.
        config.put("rms_norm_eps", rmsNormEps);
        config.put("rope_theta", ropeTheta);
        config.put("max_position_embeddings", maxPositionEmbeddings);
        return config;
    }

    private static <T> T orDefault(T value, T fallback) {
        return value != null ? value : fallback;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("model: " + message);
        }
    }
}
