package dev.plt.model.weights;

import dev.plt.model.config.GateInput;
import dev.plt.model.config.ModelConfig;
import dev.plt.model.io.DType;
import dev.plt.model.io.ModelFileException;
import dev.plt.model.io.SafetensorsReader;
import dev.plt.model.io.TensorInfo;
import dev.plt.model.tensor.Bf16Matrix;
import dev.plt.model.tensor.F32Matrix;
import dev.plt.model.tensor.Int8Matrix;
import dev.plt.model.tensor.Int8Quantizer;
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
 * {@code widenBf16} is set; f16 matrices are widened to f32 (exact). A {@link WeightFormat} other than
 * STORED converts the big matrices (attention, MLP, LM head) as they are loaded: {@code INT8} quantizes them
 * ({@link Int8Quantizer}), {@code BF16} rounds them to bf16.
 */
public final class WeightLoader {
    private final ModelConfig config;
    private final SafetensorsReader reader;
    private final boolean widenBf16;
    private final WeightFormat format;
    /** Names and shapes only: no data is read and the returned weights hold nulls. */
    private final boolean layoutOnly;

    private WeightLoader(ModelConfig config, SafetensorsReader reader, WeightFormat format, boolean layoutOnly) {
        this.config = config;
        this.reader = reader;
        this.widenBf16 = format == WeightFormat.F32;
        this.format = format;
        this.layoutOnly = layoutOnly;
    }

    public static ModelWeights load(Path modelDir, ModelConfig config, boolean widenBf16) {
        return load(modelDir, config, widenBf16 ? WeightFormat.F32 : WeightFormat.STORED);
    }

    /**
     * @throws ModelFileException also when {@code format} is INT8 and a big matrix's input features are not a
     *                            multiple of {@link dev.plt.model.tensor.Int8Matrix#BLOCK}
     */
    public static ModelWeights load(Path modelDir, ModelConfig config, WeightFormat format) {
        try (SafetensorsReader reader = SafetensorsReader.open(modelDir)) {
            return new WeightLoader(config, reader, format, false).loadAll();
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
            new WeightLoader(config, reader, WeightFormat.STORED, true).loadAll();
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
        // a tied LM head converted is a copy: the embedding lookup keeps the loaded values
        Matrix lmHead = config.tieWordEmbeddings()
                ? (layoutOnly ? null : converted("lm_head (tied to model.embed_tokens.weight)", embed))
                : big("lm_head.weight", config.vocabSize(), d);
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
                big(p + "self_attn.q_proj.weight", q, d),
                big(p + "self_attn.k_proj.weight", kv, d),
                big(p + "self_attn.v_proj.weight", kv, d),
                big(p + "self_attn.o_proj.weight", d, q),
                bias ? vector(p + "self_attn.q_proj.bias", q) : null,
                bias ? vector(p + "self_attn.k_proj.bias", kv) : null,
                bias ? vector(p + "self_attn.v_proj.bias", kv) : null,
                vector(p + "post_attention_layernorm.weight", d),
                big(p + "mlp.gate_proj.weight", ff, d),
                big(p + "mlp.up_proj.weight", ff, d),
                big(p + "mlp.down_proj.weight", d, ff),
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

    /** A matrix the weight format applies to (attention, MLP, LM head). */
    private Matrix big(String name, int rows, int cols) {
        Matrix m = matrix(name, rows, cols);
        return layoutOnly ? null : converted(name, m);
    }

    private Matrix converted(String name, Matrix m) {
        switch (format) {
            case INT8 -> {
                if (m.cols() % Int8Matrix.BLOCK != 0) {
                    throw new ModelFileException("--weights int8: tensor '" + name + "' has " + m.cols()
                            + " input features, not a multiple of the int8 block (" + Int8Matrix.BLOCK
                            + "); load this model with --weights stored");
                }
                return Int8Quantizer.quantize(m);
            }
            case BF16 -> {
                if (m instanceof F32Matrix f) {
                    float[] v = f.data();
                    short[] bits = new short[v.length];
                    for (int i = 0; i < v.length; i++) {
                        bits[i] = Bf16Matrix.fromFloat(v[i]);
                    }
                    return new Bf16Matrix(bits, m.rows(), m.cols());
                }
                return m;
            }
            default -> {
                return m;
            }
        }
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
