package dev.plt.model.cuda;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.plt.model.config.ConfigLoader;
import dev.plt.model.config.ModelConfig;
import dev.plt.model.engine.FastPath;
import dev.plt.model.engine.ForwardPath;
import dev.plt.model.engine.ForwardPath.Sequence;
import dev.plt.model.kernels.pool.EnginePool;
import dev.plt.model.kernels.KernelBackends;
import dev.plt.model.checkpoint.RandomCheckpoint;
import dev.plt.model.weights.ModelWeights;
import dev.plt.model.weights.WeightLoader;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A model run twice: on the CPU fast path, and on a {@link CudaPath} over a {@link RecordingGpu} whose
 * log is then replayed with the real kernels on CPU threads. Collects logits rows of both so tests can
 * compare them. Skips (JUnit assumption) where the replay program cannot be built.
 */
final class ReplayHarness implements AutoCloseable {
    final ModelConfig config;
    final ModelWeights weights;
    final FastPath cpu;
    final CudaPath cuda;
    final RecordingGpu gpu;
    private final EnginePool pool;
    private final Path program;
    private ByteBuffer replayed;

    /** One logits row the CUDA path produced: where the replay output holds it. */
    record CudaRow(int sequence, int position, long word) {
    }

    ReplayHarness(Path dir, RandomCheckpoint.Spec spec, int prefillChunk) {
        StringBuilder why = new StringBuilder();
        program = HostReplay.program(why).orElse(null);
        assumeTrue(program != null, () -> "kernel replay skipped: " + why);
        Path modelDir = RandomCheckpoint.write(dir.resolve("model"), spec);
        config = ConfigLoader.load(modelDir);
        weights = WeightLoader.load(modelDir, config, false);
        pool = new EnginePool(1);
        cpu = new FastPath(config, weights, KernelBackends.select("auto", pool), pool, prefillChunk);
        gpu = new RecordingGpu(dir.resolve("ops.log"));
        cuda = new CudaPath(config, weights, gpu, prefillChunk);
    }

    /** Appends on the CPU path; returns the logits rows in sink order as {sequence, position, values}. */
    List<float[]> cpuAppend(List<Sequence> sequences, List<int[]> tokens, boolean allPositions, List<int[]> keys) {
        return append(cpu, sequences, tokens, allPositions, keys, null);
    }

    List<CudaRow> cudaAppend(List<Sequence> sequences, List<int[]> tokens, boolean allPositions) {
        List<CudaRow> rows = new ArrayList<>();
        append(cuda, sequences, tokens, allPositions, null, rows);
        return rows;
    }

    private List<float[]> append(ForwardPath path, List<Sequence> sequences, List<int[]> tokens, boolean all,
            List<int[]> keys, List<CudaRow> cudaRows) {
        List<float[]> out = new ArrayList<>();
        int vocab = config.vocabSize();
        path.append(sequences, tokens, all, (s, position, logits, off) -> {
            if (cudaRows != null) {
                cudaRows.add(new CudaRow(s, position, (long) logits[off]));
            } else {
                out.add(Arrays.copyOfRange(logits, off, off + vocab));
                if (keys != null) {
                    keys.add(new int[] {s, position});
                }
            }
        });
        return out;
    }

    /** Finishes the log and replays it (once). */
    ByteBuffer replay() {
        if (replayed == null) {
            cuda.close();
            replayed = HostReplay.run(program, gpu.log());
        }
        return replayed;
    }

    /** The replayed values of a CUDA logits row. */
    float[] values(CudaRow row) {
        ByteBuffer out = replay();
        float[] values = new float[config.vocabSize()];
        for (int i = 0; i < values.length; i++) {
            values[i] = out.getFloat(Math.toIntExact(4 * (row.word() + i)));
        }
        return values;
    }

    /** Replayed ints starting at a downloaded word (token ids chosen on the device). */
    int word(long index) {
        return replay().getInt(Math.toIntExact(4 * index));
    }

    @Override
    public void close() {
        cuda.close();
        pool.close();
    }
}
