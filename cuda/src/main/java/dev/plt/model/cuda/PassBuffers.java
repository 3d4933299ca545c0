package dev.plt.model.cuda;

import dev.plt.model.config.ModelConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * The activations of a pass on the device, sized for a number of rows and regrown when a pass needs
 * more (decode steps of a batch reuse them). Residual stream and projections are f32; what feeds a
 * cuBLAS GEMM is bf16.
 */
final class PassBuffers implements AutoCloseable {
    private final Gpu gpu;
    private final ModelConfig config;
    private final List<Long> allocations = new ArrayList<>();
    private int rows;
    long hidden;        // [rows][d] f32, the residual stream: loop inputs in, h^l out
    long previous;      // [rows][d] f32, the carried h^{l-1} of the previous loop (prefill, serial)
    long normed;        // [rows][d] bf16, RMSNorm outputs that feed projections
    long qkv;           // [rows][q + 2 kv] f32
    long attention;     // [rows][q] f32
    long attentionBf16; // [rows][q] bf16, the o_proj input
    long gateLogits;    // [rows][heads] f32
    long gateUp;        // [rows][2 ff] f32
    long activation;    // [rows][ff] bf16, the down_proj input
    private long tables;
    private long tableBytes;

    PassBuffers(Gpu gpu, ModelConfig config) {
        this.gpu = gpu;
        this.config = config;
    }

    static int qkvWidth(ModelConfig config) {
        return config.queryDim() + 2 * config.kvDim();
    }

    void ensureRows(int needed) {
        if (needed <= rows) {
            return;
        }
        freeActivations();
        int n = Math.max(needed, 2 * rows);
        long d = config.hiddenSize();
        long q = config.queryDim();
        long ff = config.intermediateSize();
        hidden = allocate(4 * n * d);
        previous = allocate(4 * n * d);
        normed = allocate(2 * n * d);
        qkv = allocate(4L * n * qkvWidth(config));
        attention = allocate(4 * n * q);
        attentionBf16 = allocate(2 * n * q);
        gateLogits = allocate(4L * n * config.numHeads());
        gateUp = allocate(8 * n * ff);
        activation = allocate(2 * n * ff);
        rows = n;
    }

    /** Room for a pass's tables (PassTables), grown by doubling. */
    long tables(long bytes) {
        if (bytes > tableBytes) {
            if (tables != 0) {
                gpu.free(tables);
            }
            tableBytes = Math.max(bytes, 2 * tableBytes);
            tables = gpu.allocate(tableBytes);
        }
        return tables;
    }

    private long allocate(long bytes) {
        long address = gpu.allocate(bytes);
        allocations.add(address);
        return address;
    }

    private void freeActivations() {
        for (long address : allocations) {
            gpu.free(address);
        }
        allocations.clear();
        rows = 0;
    }

    @Override
    public void close() {
        freeActivations();
        if (tables != 0) {
            gpu.free(tables);
            tables = 0;
            tableBytes = 0;
        }
    }
}
