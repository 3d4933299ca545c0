package dev.plt.model.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.plt.model.engine.ForwardPath.Sequence;
import dev.plt.model.io.DType;
import dev.plt.model.checkpoint.RandomCheckpoint.Spec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CUDA path with several sequences at once, replayed with the real kernels on CPU threads: prompts of
 * different lengths prefilled together in chunks, a forked sequence, fused decode steps of B x L rows,
 * and tokens chosen on the device (greedy and sampled). Each sequence must get the CPU engine's logits.
 */
class HostReplayBatchTest {
    private static final Spec PLT3 = Spec.small().withLoops(3, "parallel").withFormat(false, false, DType.BF16, 9, 1);

    @Test
    void batchedPrefillForkAndDecodeMatchTheCpuPerSequence(@TempDir Path dir) {
        try (ReplayHarness h = new ReplayHarness(dir, PLT3, 4)) {
            Random random = new Random(7);
            int[][] prompts = {random.ints(11, 0, 300).toArray(), random.ints(3, 0, 300).toArray(),
                random.ints(7, 0, 300).toArray()};
            List<Sequence> cpu = new ArrayList<>();
            List<Sequence> cuda = new ArrayList<>();
            for (int s = 0; s < prompts.length; s++) {
                cpu.add(h.cpu.start());
                cuda.add(h.cuda.start());
            }
            Map<String, float[]> expected = new HashMap<>();
            Map<String, ReplayHarness.CudaRow> actual = new HashMap<>();
            collect(h, cpu, cuda, List.of(prompts), true, expected, actual, "prefill");
            // Branch sequence 0 after its prompt: the branch must continue exactly like a fresh copy.
            cpu.add(h.cpu.fork(cpu.get(0)));
            cuda.add(h.cuda.fork(cuda.get(0)));
            for (int step = 0; step < 4; step++) {
                List<int[]> tokens = new ArrayList<>();
                for (int s = 0; s < cpu.size(); s++) {
                    tokens.add(new int[] {random.nextInt(300)});
                }
                collect(h, cpu, cuda, tokens, false, expected, actual, "step " + step);
            }
            assertEquals(expected.keySet(), actual.keySet());
            for (String key : expected.keySet()) {
                LogitsComparison c = LogitsComparison.of(expected.get(key), h.values(actual.get(key)));
                assertTrue(c.withinTolerance(), key + ": " + c);
            }
            for (int s = 0; s < cpu.size(); s++) {
                assertEquals(cpu.get(s).length(), cuda.get(s).length());
                assertEquals(cpu.get(s).kvBytes(), cuda.get(s).kvBytes());
            }
        }
    }

    private static void collect(ReplayHarness h, List<Sequence> cpu, List<Sequence> cuda, List<int[]> tokens,
            boolean all, Map<String, float[]> expected, Map<String, ReplayHarness.CudaRow> actual, String what) {
        List<int[]> keys = new ArrayList<>();
        List<float[]> rows = h.cpuAppend(cpu, tokens, all, keys);
        for (int i = 0; i < rows.size(); i++) {
            expected.put(what + " sequence " + keys.get(i)[0] + " position " + keys.get(i)[1], rows.get(i));
        }
        for (ReplayHarness.CudaRow row : h.cudaAppend(cuda, tokens, all)) {
            actual.put(what + " sequence " + row.sequence() + " position " + row.position(), row);
        }
    }

    @Test
    void tokensChosenOnTheDeviceAreTheArgmaxOrTheInverseCdfDrawOfTheSameLogits(@TempDir Path dir) {
        try (ReplayHarness h = new ReplayHarness(dir, PLT3, 4)) {
            Random random = new Random(11);
            Sequence a = h.cuda.start();
            Sequence b = h.cuda.start();
            int[] promptA = random.ints(9, 0, 300).toArray();
            int[] promptB = random.ints(5, 0, 300).toArray();
            h.cudaAppend(List.of(a, b), List.of(promptA, promptB), false);
            int[] next = {random.nextInt(300), random.nextInt(300)};
            // Twins of the same state: one gives logits, the others pick from the same logits on the device.
            Sequence logitsA = h.cuda.fork(a);
            Sequence logitsB = h.cuda.fork(b);
            Sequence greedyA = h.cuda.fork(a);
            Sequence greedyB = h.cuda.fork(b);
            List<ReplayHarness.CudaRow> rows = h.cudaAppend(List.of(logitsA, logitsB),
                    List.of(new int[] {next[0]}, new int[] {next[1]}), false);
            long greedyWord = h.gpu.downloadedWords();
            h.cuda.appendAndChoose(List.of(greedyA, greedyB), List.of(new int[] {next[0]}, new int[] {next[1]}),
                    TokenChoice.greedy());
            float[] temperatures = {0.7f, 1.3f};
            float[] uniforms = {0.37f, 0.81f};
            long sampledWord = h.gpu.downloadedWords();
            h.cuda.appendAndChoose(List.of(a, b), List.of(new int[] {next[0]}, new int[] {next[1]}),
                    TokenChoice.sample(temperatures, uniforms));
            for (int s = 0; s < 2; s++) {
                float[] logits = h.values(rows.get(s));
                assertEquals(LogitsComparison.argmax(logits), h.word(greedyWord + s), "greedy, sequence " + s);
                assertEquals(inverseCdf(logits, temperatures[s], uniforms[s]), h.word(sampledWord + s),
                        "sampled, sequence " + s);
            }
        }
    }

    /** The first id whose cumulative softmax(logits / t) mass exceeds u. */
    private static int inverseCdf(float[] logits, float t, float u) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l / t);
        }
        double total = 0;
        for (float l : logits) {
            total += Math.exp(l / t - max);
        }
        double cumulative = 0;
        for (int i = 0; i < logits.length; i++) {
            cumulative += Math.exp(logits[i] / t - max);
            if (cumulative > u * total) {
                return i;
            }
        }
        return logits.length - 1;
    }
}
