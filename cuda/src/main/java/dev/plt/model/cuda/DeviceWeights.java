package dev.plt.model.cuda;

import dev.plt.model.config.ModelConfig;
import dev.plt.model.tensor.Bf16Matrix;
import dev.plt.model.tensor.F32Matrix;
import dev.plt.model.weights.LayerWeights;
import dev.plt.model.tensor.Matrix;
import dev.plt.model.weights.ModelWeights;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The model's weights on the device. Matrices go up as bf16 (bf16 checkpoints bit for bit, f32 ones
 * rounded to nearest even), because cuBLAS's bf16 GEMM is what makes a memory-bound decode step fast;
 * the small vectors (norms, biases, gate weights) stay f32. Projections that read the same input are
 * fused so one GEMM serves them: q, k and v into {@code [q + 2 kv][d]}, gate and up into {@code [2 ff][d]}.
 * A tied LM head is the embedding allocation itself.
 */
final class DeviceWeights implements AutoCloseable {
    /** Addresses of one layer; 0 for what the model does not have. */
    record Layer(long inputNorm, long qkv, long qkvBias, long o, long postNorm, long gateUp, long down, long gate,
            long gateBias, long gateNorm) {
    }

    /** Upload chunk: bounds the host staging memory whatever the matrix size. */
    private static final int STAGING_BYTES = 32 << 20;

    private final Gpu gpu;
    private final List<Long> allocations = new ArrayList<>();
    private final List<Layer> layers = new ArrayList<>();
    private final long embedding;
    private final long finalNorm;
    private final long lmHead;
    private final long bytes;
    private long allocatedBytes;
    private ByteBuffer staging;

    DeviceWeights(Gpu gpu, ModelConfig config, ModelWeights weights) {
        this.gpu = gpu;
        long before = allocatedBytes;
        embedding = bf16(weights.embedTokens());
        lmHead = weights.lmHead() == weights.embedTokens() ? embedding : bf16(weights.lmHead());
        finalNorm = f32(weights.finalNorm());
        for (LayerWeights w : weights.layers()) {
            long qkvBias = 0;
            if (w.bq() != null) {
                qkvBias = f32(concat(w.bq(), w.bk(), w.bv()));
            }
            layers.add(new Layer(f32(w.inputNorm()), bf16(w.wq(), w.wk(), w.wv()), qkvBias, bf16(w.wo()),
                    f32(w.postAttentionNorm()), bf16(w.wGate(), w.wUp()), bf16(w.wDown()),
                    w.gate() == null ? 0 : f32(w.gate()), w.gateBias() == null ? 0 : f32(w.gateBias()),
                    w.gateNorm() == null ? 0 : f32(w.gateNorm())));
        }
        bytes = allocatedBytes - before;
        staging = null;
        if (layers.size() != config.numLayers()) {
            throw new IllegalStateException("weights have " + layers.size() + " layers, config " + config.numLayers());
        }
    }

    Layer layer(int i) {
        return layers.get(i);
    }

    long embedding() {
        return embedding;
    }

    long lmHead() {
        return lmHead;
    }

    long finalNorm() {
        return finalNorm;
    }

    /** Bytes of device memory the weights occupy. */
    long bytes() {
        return bytes;
    }

    /** The rows of {@code parts} stacked, as one bf16 matrix. */
    private long bf16(Matrix... parts) {
        long elements = 0;
        for (Matrix m : parts) {
            elements += (long) m.rows() * m.cols();
        }
        long address = allocate(2 * elements);
        long offset = 0;
        ByteBuffer out = staging();
        for (Matrix m : parts) {
            float[] row = new float[m.cols()];
            for (int r = 0; r < m.rows(); r++) {
                if (out.remaining() < 2 * m.cols()) {
                    offset += flush(out, address + offset);
                }
                if (m instanceof Bf16Matrix b) {
                    for (int c = 0; c < m.cols(); c++) {
                        out.putShort(b.data()[r * m.cols() + c]);
                    }
                } else {
                    m.copyRow(r, row, 0);
                    for (float v : row) {
                        out.putShort(Bf16Matrix.fromFloat(v));
                    }
                }
            }
        }
        flush(out, address + offset);
        return address;
    }

    private long f32(Matrix m) {
        float[] values = m instanceof F32Matrix f ? f.data() : new float[m.rows() * m.cols()];
        if (!(m instanceof F32Matrix)) {
            for (int r = 0; r < m.rows(); r++) {
                m.copyRow(r, values, r * m.cols());
            }
        }
        return f32(values);
    }

    private long f32(float[] values) {
        long address = allocate(4L * values.length);
        gpu.upload(address, HostBuffers.floats(values));
        return address;
    }

    private static float[] concat(float[]... parts) {
        int n = 0;
        for (float[] p : parts) {
            n += p.length;
        }
        float[] out = new float[n];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    private ByteBuffer staging() {
        if (staging == null) {
            staging = HostBuffers.allocate(STAGING_BYTES);
        }
        staging.clear();
        return staging;
    }

    /** Uploads what {@code out} holds to {@code address}; returns the bytes written and empties it. */
    private long flush(ByteBuffer out, long address) {
        out.flip();
        long written = out.remaining();
        if (written > 0) {
            gpu.upload(address, out);
        }
        out.clear();
        return written;
    }

    private long allocate(long n) {
        long address = gpu.allocate(n);
        allocations.add(address);
        allocatedBytes += n;
        return address;
    }

    @Override
    public void close() {
        for (long address : allocations) {
            gpu.free(address);
        }
        allocations.clear();
    }
}
