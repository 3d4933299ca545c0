package dev.plt.model.weights;

import dev.plt.model.config.GateInput;
import dev.plt.model.config.ModelConfig;
import dev.plt.model.io.DType;
import dev.plt.model.io.ModelFileException;
import dev.plt.model.io.SafetensorsReader;
import dev.plt.model.io.TensorInfo;
import dev.plt.model.tensor.Bf16Matrix;
import dev.plt.model.tensor.F32Matrix;
import dev.plt.model.tensor.Matrix;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Loads the tensors of plt-spec section 5 and checks every name and shape against the config before
 * any is used, so a bad checkpoint fails with a message naming the file and tensor. Every value is
 * checked to be finite as it is loaded (one pass over the copied data): a NaN or Inf weight would
 * otherwise turn every row's scores into NaN. bf16 matrices stay bf16 in memory unless
 * {@code widenBf16} is set; f16 matrices are widened to f32 (exact).
 */
public final class WeightLoader {
    private final ModelConfig config;
    private final SafetensorsReader reader;
    private final boolean widenBf16;
    /** Names and shapes only: no data is read and the returned weights hold nulls. */
    private final boolean layoutOnly;

    private WeightLoader(ModelConfig config, SafetensorsReader reader, boolean widenBf16, boolean layoutOnly) {
        this.config = config;
        this.reader = reader;
        this.widenBf16 = widenBf16;
        this.layoutOnly = layoutOnly;
    }

    public static ModelWeights load(Path modelDir, ModelConfig config, boolean widenBf16) {
        try (SafetensorsReader reader = SafetensorsReader.open(modelDir)) {
            return new WeightLoader(config, reader, widenBf16, false).loadAll();
        }
    }

    /**
     * Checks that the checkpoint's headers are valid and hold every tensor the config needs, with the
     * right shape, without reading any weight data (so it is cheap on a job's driver).
     *
     * @throws ModelFileException naming the file and tensor of the first problem
     */
    public static void checkLayout(Path modelDir, ModelConfig config) {
        try (SafetensorsReader reader = SafetensorsReader.open(modelDir)) {
            new WeightLoader(config, reader, false, true).loadAll();
        }
    }

    private ModelWeights loadAll() {
        int d = config.hiddenSize();
        Matrix embed = matrix("model.embed_tokens.weight", config.vocabSize(), d);
        List<LayerWeights> layers = new ArrayList<>();
        for (int i = 0; i < config.numLayers(); i++) {
            layers.add(layer(i));
        }
        float[] finalNorm = vector("model.norm.weight", d);
        Matrix lmHead = config.tieWordEmbeddings() ? embed : matrix("lm_head.weight", config.vocabSize(), d);
        return new ModelWeights(embed, List.copyOf(layers), finalNorm, lmHead);
    }

    private LayerWeights layer(int i) {
        String p = "model.layers." + i + ".";
        int d = config.hiddenSize();
        int q = config.queryDim();
        int kv = config.kvDim();
        int ff = config.intermediateSize();
        boolean bias = config.attentionBias();
        Matrix gate = null;
        float[] gateBias = null;
        float[] gateNorm = null;
        if (config.usesGate()) {
            boolean hidden = config.gateInput() == GateInput.HIDDEN_STATES;
            gate = matrix(p + "self_attn.plt_gate.weight", config.numHeads(), hidden ? d : config.headDim());
            gateBias = vector(p + "self_attn.plt_gate.bias", config.numHeads());
            gateNorm = hidden ? vector(p + "self_attn.plt_gate.gate_norm.weight", d) : null;
        }
        return new LayerWeights(
                vector(p + "input_layernorm.weight", d),
                matrix(p + "self_attn.q_proj.weight", q, d),
                matrix(p + "self_attn.k_proj.weight", kv, d),
                matrix(p + "self_attn.v_proj.weight", kv, d),
                matrix(p + "self_attn.o_proj.weight", d, q),
                bias ? vector(p + "self_attn.q_proj.bias", q) : null,
                bias ? vector(p + "self_attn.k_proj.bias", kv) : null,
                bias ? vector(p + "self_attn.v_proj.bias", kv) : null,
                vector(p + "post_attention_layernorm.weight", d),
                matrix(p + "mlp.gate_proj.weight", ff, d),
                matrix(p + "mlp.up_proj.weight", ff, d),
                matrix(p + "mlp.down_proj.weight", d, ff),
                gate, gateBias, gateNorm);
    }

    private Matrix matrix(String name, int rows, int cols) {
        TensorInfo info = checked(name, rows, cols);
        if (layoutOnly) {
            return null;
        }
        if (info.dtype() == DType.BF16 && !widenBf16) {
            short[] bits = reader.readBf16Bits(name);
            FiniteWeights.requireFiniteBf16(info, bits);
            return new Bf16Matrix(bits, rows, cols);
        }
        float[] values = reader.readFloats(name);
        FiniteWeights.requireFinite(info, values);
        return new F32Matrix(values, rows, cols);
    }

    private float[] vector(String name, int length) {
        TensorInfo info = checked(name, length);
        if (layoutOnly) {
            return null;
        }
        float[] values = reader.readFloats(name);
        FiniteWeights.requireFinite(info, values);
        return values;
    }

    private TensorInfo checked(String name, int... expected) {
        TensorInfo info = reader.require(name);
        if (!Arrays.equals(info.shape(), expected)) {
            throw new ModelFileException(info.file().getFileName() + ": tensor '" + name + "' has shape "
                    + Arrays.toString(info.shape()) + " but config.json implies " + Arrays.toString(expected));
        }
        return info;
    }
}
