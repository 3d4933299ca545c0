package dev.plt.model.cuda;

import dev.plt.model.config.ModelConfig;
import dev.plt.model.engine.ForwardPath;
import dev.plt.model.loop.ClpPlan;
import dev.plt.model.weights.ModelWeights;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The fast path on a GPU: the CPU {@code FastPath}'s contract (KV caches laid out by KV sharing, CLP
 * decode steps, chunked prefill, all scheduled by the same {@link ClpPlan}) with weights, caches, carries
 * and activations on the device. Logits
 * are computed for the rows the caller wants and copied back a block at a time; {@link #appendAndChoose}
 * instead picks the next tokens on the device and copies back one int per sequence.
 *
 * <p>One device, one stream: calls are serialized ({@code synchronized}), and each binds the device's
 * context to the calling thread first. Sequences free their device memory when they are
 * garbage-collected (the frees happen at the next call, on the calling thread) or when the path closes.
 */
public final class CudaPath implements ForwardPath {
    /** Logits copied back per block at most: bounds the device buffer whatever the vocabulary. */
    private static final long LOGIT_BLOCK_BYTES = 64L << 20;
    private static final int MAX_LOGIT_ROWS = 256;
    private static final Cleaner CLEANER = Cleaner.create();

    private final ModelConfig config;
    private final Gpu gpu;
    private final DeviceWeights weights;
    private final DeviceKernels kernels;
    private final RopeTable rope;
    private final PassBuffers buffers;
    private final CudaPlanExecutor executor;
    private final int prefillChunk;
    private final int logitRows;
    /** Allocations of sequences that were garbage-collected, queued by the Cleaner for the next call. */
    private final ConcurrentLinkedQueue<DeviceAllocations> abandoned = new ConcurrentLinkedQueue<>();
    private final Set<DeviceAllocations> live = new HashSet<>();
    private long normed;   // [logitRows][d] bf16
    private long logits;   // [logitRows][vocab] f32
    private long picked;   // [logitRows] int plus selection/temperature/uniform tables
    private boolean closed;

    public CudaPath(ModelConfig config, ModelWeights weights, Gpu gpu, int prefillChunk) {
        if (prefillChunk < 1) {
            throw new IllegalArgumentException("prefillChunk must be >= 1, got " + prefillChunk);
        }
        this.config = config;
        this.gpu = gpu;
        this.prefillChunk = prefillChunk;
        gpu.bindToCurrentThread();
        this.weights = new DeviceWeights(gpu, config, weights);
        this.kernels = new DeviceKernels(gpu);
        this.rope = new RopeTable(gpu, config.headDim(), config.ropeTheta());
        this.buffers = new PassBuffers(gpu, config);
        this.executor = new CudaPlanExecutor(config, this.weights, kernels,
                new CudaDecoderStack(config, this.weights, kernels, rope), buffers, rope, gpu);
        this.logitRows = (int) Math.max(1, Math.min(MAX_LOGIT_ROWS, LOGIT_BLOCK_BYTES / (4L * config.vocabSize())));
        this.normed = gpu.allocate(2L * logitRows * config.hiddenSize());
        this.logits = gpu.allocate(4L * logitRows * config.vocabSize());
        this.picked = gpu.allocate(16L * logitRows);
    }

    @Override
    public ModelConfig config() {
        return config;
    }

    @Override
    public String name() {
        return "cuda";
    }

    /** The device, for logs. */
    public String deviceDescription() {
        return gpu.description();
    }

    /** Bytes of device memory the weights occupy (bf16 matrices, f32 vectors). */
    public long weightBytes() {
        return weights.bytes();
    }

    @Override
    public synchronized Sequence start() {
        enter();
        DeviceAllocations allocations = new DeviceAllocations();
        return track(new CudaSequence(new DeviceSequence(gpu, config, allocations)), allocations);
    }

    @Override
    public synchronized Sequence fork(Sequence sequence) {
        enter();
        DeviceAllocations allocations = new DeviceAllocations();
        return track(new CudaSequence(((CudaSequence) sequence).state.fork(allocations)), allocations);
    }

    private Sequence track(CudaSequence sequence, DeviceAllocations allocations) {
        live.add(allocations);
        ConcurrentLinkedQueue<DeviceAllocations> queue = abandoned; // the action must not hold the sequence
        CLEANER.register(sequence, () -> queue.add(allocations));
        return sequence;
    }

    @Override
    public synchronized void append(List<Sequence> sequences, List<int[]> tokens, boolean allPositions,
            LogitsSink sink) {
        enter();
        List<DeviceSequence> states = states(sequences);
        for (ClpPlan.Step step : plan(states, tokens, allPositions).steps()) {
            executor.run(step, states);
            ClpPlan.Pass last = step.lastPass();
            List<int[]> wanted = new ArrayList<>(); // {sequence index, position, hidden row}
            for (int row : step.logitRows()) {
                wanted.add(new int[] {last.sequence(row), last.position(row), row});
            }
            emitLogits(wanted, sink);
        }
    }

    /**
     * Appends the tokens like {@link #append} and returns each sequence's next token, chosen on the device
     * from the logits of its last new position (every sequence needs at least one new token). Only the
     * chosen ids are copied back: this is the decode loop's fast form.
     */
    public synchronized int[] appendAndChoose(List<Sequence> sequences, List<int[]> tokens, TokenChoice choice) {
        enter();
        for (int s = 0; s < tokens.size(); s++) {
            if (tokens.get(s).length == 0) {
                throw new IllegalArgumentException("sequence " + s + " has no new token to continue from");
            }
        }
        if (!choice.isGreedy() && choice.temperatures().length != sequences.size()) {
            throw new IllegalArgumentException("one temperature and uniform per sequence");
        }
        int[] next = new int[sequences.size()];
        List<DeviceSequence> states = states(sequences);
        // Logits of each sequence's last new position only: exactly the rows a token is chosen from.
        for (ClpPlan.Step step : plan(states, tokens, false).steps()) {
            executor.run(step, states);
            ClpPlan.Pass last = step.lastPass();
            List<int[]> finishing = new ArrayList<>(); // {sequence index, hidden row}
            for (int row : step.logitRows()) {
                finishing.add(new int[] {last.sequence(row), row});
            }
            for (int from = 0; from < finishing.size(); from += logitRows) {
                List<int[]> block = finishing.subList(from, Math.min(finishing.size(), from + logitRows));
                choose(block, choice, next);
            }
        }
        return next;
    }

    private static List<DeviceSequence> states(List<Sequence> sequences) {
        return sequences.stream().map(s -> ((CudaSequence) s).state).toList();
    }

    private ClpPlan plan(List<DeviceSequence> states, List<int[]> tokens, boolean allPositions) {
        int[] lengths = states.stream().mapToInt(DeviceSequence::length).toArray();
        return ClpPlan.of(config, lengths, tokens, prefillChunk, allPositions);
    }

    /** Final norm and LM head over the wanted rows, a block at a time, each block copied back to the sink. */
    private void emitLogits(List<int[]> wanted, LogitsSink sink) {
        int vocab = config.vocabSize();
        for (int from = 0; from < wanted.size(); from += logitRows) {
            List<int[]> block = wanted.subList(from, Math.min(wanted.size(), from + logitRows));
            int rows = block.size();
            headLogits(block.stream().mapToInt(w -> w[2]).toArray());
            ByteBuffer host = HostBuffers.allocate(4L * rows * vocab);
            gpu.download(logits, host);
            FloatBuffer values = host.asFloatBuffer();
            float[] out = new float[rows * vocab];
            values.get(out);
            for (int r = 0; r < rows; r++) {
                sink.accept(block.get(r)[0], block.get(r)[1], out, r * vocab);
            }
        }
    }

    /** logits[0 .. rows) = lm_head(norm(hidden[hiddenRows[i]])). */
    private void headLogits(int[] hiddenRows) {
        int d = config.hiddenSize();
        long select = picked + 4L * logitRows; // the second quarter of `picked` holds the row selection
        gpu.upload(select, HostBuffers.ints(hiddenRows));
        kernels.rmsnorm(normed, d, true, buffers.hidden, d, select, weights.finalNorm(), config.rmsNormEps(),
                hiddenRows.length, d);
        kernels.gemm(weights.lmHead(), normed, logits, hiddenRows.length, d, config.vocabSize(), false);
    }

    private void choose(List<int[]> block, TokenChoice choice, int[] next) {
        int rows = block.size();
        headLogits(block.stream().mapToInt(w -> w[1]).toArray());
        if (choice.isGreedy()) {
            kernels.argmax(picked, logits, rows, config.vocabSize());
        } else {
            float[] temperatures = new float[rows];
            float[] uniforms = new float[rows];
            for (int r = 0; r < rows; r++) {
                temperatures[r] = choice.temperatures()[block.get(r)[0]];
                uniforms[r] = choice.uniforms()[block.get(r)[0]];
            }
            long temperatureTable = picked + 8L * logitRows;
            long uniformTable = picked + 12L * logitRows;
            gpu.upload(temperatureTable, HostBuffers.floats(temperatures));
            gpu.upload(uniformTable, HostBuffers.floats(uniforms));
            kernels.sample(picked, logits, temperatureTable, uniformTable, rows, config.vocabSize());
        }
        ByteBuffer host = HostBuffers.allocate(4L * rows);
        gpu.download(picked, host);
        IntBuffer ids = host.asIntBuffer();
        for (int r = 0; r < rows; r++) {
            next[block.get(r)[0]] = ids.get(r);
        }
    }

    /** Every call starts here: the device bound to this thread, and memory of collected sequences freed. */
    private void enter() {
        if (closed) {
            throw new IllegalStateException("the CUDA path is closed");
        }
        gpu.bindToCurrentThread();
        for (DeviceAllocations dead = abandoned.poll(); dead != null; dead = abandoned.poll()) {
            live.remove(dead);
            for (long address : dead.drain()) {
                gpu.free(address);
            }
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        gpu.bindToCurrentThread();
        for (DeviceAllocations allocations : live) {
            for (long address : allocations.drain()) {
                gpu.free(address);
            }
        }
        abandoned.clear();
        gpu.free(normed);
        gpu.free(logits);
        gpu.free(picked);
        buffers.close();
        rope.close();
        weights.close();
        gpu.close();
        closed = true;
    }

    private static final class CudaSequence implements Sequence {
        private final DeviceSequence state;

        CudaSequence(DeviceSequence state) {
            this.state = state;
        }

        @Override
        public int length() {
            return state.length();
        }

        @Override
        public long kvBytes() {
            return state.kvBytes();
        }
    }
}
