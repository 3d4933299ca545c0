package dev.plt.model.cuda;

import dev.plt.model.config.ConfigLoader;
import dev.plt.model.config.ModelConfig;
import dev.plt.model.engine.FastPath;
import dev.plt.model.engine.ForwardPath;
import dev.plt.model.engine.ForwardPath.Sequence;
import dev.plt.model.io.DType;
import dev.plt.model.kernels.pool.EnginePool;
import dev.plt.model.kernels.KernelBackends;
import dev.plt.model.checkpoint.RandomCheckpoint;
import dev.plt.model.checkpoint.RandomCheckpoint.Spec;
import dev.plt.model.weights.ModelWeights;
import dev.plt.model.weights.WeightLoader;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * On a GPU: the CUDA path against the CPU fast path over the family grid (the grid of the engine's
 * FastPathParityTest, in bf16, plus two larger shapes that use many attention tiles and a 64-key window).
 * Random checkpoints are written with RandomCheckpoint and read back through the real loaders. Each case
 * prefills three prompts of different lengths together, in chunks, then decodes fused steps; every
 * logits row is compared. A row passes when max |gpu - cpu| is within {@link #TOLERANCE} of the CPU row's
 * spread (bf16 weights and GEMM inputs give about 0.3-0.5 % in the CPU replay of the kernels).
 */
final class GpuParityCheck {
    static final float TOLERANCE = 0.02f;

    record Case(String name, Spec spec, int prompt, int steps, int chunk) {
    }

    record Result(String name, int rows, float worstRelative, float worstAbsolute, double topAgreement, boolean pass) {
    }

    private GpuParityCheck() {
    }

    static List<Case> grid() {
        Spec base = Spec.small().withFormat(false, false, DType.BF16, 1, 1);
        Spec large = base.withShape(512, 1408, 4, 8, 2, 64, 2048);
        return List.of(
                new Case("non-loop", base.withLoops(1, "parallel"), 11, 6, 4),
                new Case("non-loop f32 tied bias", base.withLoops(1, "parallel").withFormat(true, true, DType.F32, 2, 1), 11, 6, 4),
                new Case("vanilla loop-2", base.withLoops(2, "serial"), 11, 6, 4),
                new Case("vanilla loop-3 per-loop norm", base.withLoops(3, "serial").withScales(1, 1, true), 11, 6, 4),
                new Case("PLT-2 G-SWA query gate", base, 11, 6, 4),
                new Case("PLT-3 G-SWA query gate", base.withLoops(3, "parallel"), 11, 6, 4),
                new Case("PLT-2 G-SWA hidden-state gate", base.withSharing(true, true, true, 3), 11, 6, 4),
                new Case("PLT-3 G-SWA hidden gate w=0", base.withLoops(3, "parallel").withSharing(true, true, true, 0), 11, 6, 4),
                new Case("PLT-2 kv-share only", base.withSharing(true, false, false, 3), 11, 6, 4),
                new Case("PLT-3 CLP only", base.withLoops(3, "parallel").withSharing(false, true, false, 3), 11, 6, 4),
                new Case("PLT-2 scales 0.707/0.053", base.withScales(0.707, 0.053, false), 11, 6, 4),
                new Case("PLT-3 scales + per-loop norm", base.withLoops(3, "parallel").withScales(0.8, 1.3, true), 11, 6, 4),
                new Case("PLT-2 MHA bias tied", base.withShape(32, 64, 2, 4, 4, 8, 300).withFormat(true, true, DType.BF16, 3, 1), 11, 6, 4),
                new Case("PLT-2 GQA 8/2 hd16 w=40", base.withShape(48, 96, 3, 8, 2, 16, 300).withSharing(true, true, false, 40), 11, 6, 4),
                new Case("large PLT-2 hidden gate w=64", large.withSharing(true, true, true, 64), 300, 20, 128),
                new Case("large PLT-3 query gate w=64", large.withLoops(3, "parallel").withSharing(true, true, false, 64), 300, 20, 128),
                new Case("large vanilla loop-2", large.withLoops(2, "serial"), 300, 20, 128));
    }

    /** Runs the cases whose name matches {@code cases}; prints a table to {@code out}; returns the results. */
    static List<Result> run(Path workDir, String cases, PrintStream out) {
        out.printf("%-34s %6s %10s %10s %8s  %s%n", "case", "rows", "rel.err", "abs.err", "top1", "verdict");
        List<Result> results = new ArrayList<>();
        for (Case c : grid()) {
            if (!c.name().matches(cases)) {
                continue;
            }
            Result r = runCase(workDir.resolve(c.name().replaceAll("[^A-Za-z0-9.-]+", "_")), c);
            results.add(r);
            out.printf("%-34s %6d %10.5f %10.5f %7.1f%%  %s%n", r.name(), r.rows(), r.worstRelative(), r.worstAbsolute(),
                    100 * r.topAgreement(), r.pass() ? "PASS" : "FAIL");
            out.flush();
        }
        return results;
    }

    static Result runCase(Path dir, Case c) {
        Path modelDir = RandomCheckpoint.write(dir, c.spec());
        ModelConfig config = ConfigLoader.load(modelDir);
        ModelWeights weights = WeightLoader.load(modelDir, config, false);
        try (EnginePool pool = new EnginePool(Runtime.getRuntime().availableProcessors());
                CudaPath gpu = CudaBackend.open(config, weights, c.chunk())) {
            FastPath cpu = new FastPath(config, weights, KernelBackends.select("auto", pool), pool, c.chunk());
            Random random = new Random(42);
            int vocab = c.spec().vocab();
            int[][] prompts = {random.ints(c.prompt(), 0, vocab).toArray(),
                random.ints(Math.max(1, c.prompt() / 3), 0, vocab).toArray(),
                random.ints(Math.max(1, c.prompt() * 2 / 3), 0, vocab).toArray()};
            List<Sequence> cpuSeqs = new ArrayList<>();
            List<Sequence> gpuSeqs = new ArrayList<>();
            for (int s = 0; s < prompts.length; s++) {
                cpuSeqs.add(cpu.start());
                gpuSeqs.add(gpu.start());
            }
            Map<String, float[]> expected = new HashMap<>();
            Map<String, float[]> actual = new HashMap<>();
            collect(cpu, cpuSeqs, List.of(prompts), true, expected, "prefill");
            collect(gpu, gpuSeqs, List.of(prompts), true, actual, "prefill");
            for (int step = 0; step < c.steps(); step++) {
                List<int[]> tokens = new ArrayList<>();
                for (int s = 0; s < prompts.length; s++) {
                    tokens.add(new int[] {random.nextInt(vocab)});
                }
                collect(cpu, cpuSeqs, tokens, false, expected, "step " + step);
                collect(gpu, gpuSeqs, tokens, false, actual, "step " + step);
            }
            float worstRelative = 0;
            float worstAbsolute = 0;
            int sameTop = 0;
            boolean complete = expected.keySet().equals(actual.keySet());
            for (Map.Entry<String, float[]> e : expected.entrySet()) {
                float[] got = actual.get(e.getKey());
                if (got == null) {
                    continue;
                }
                float[] want = e.getValue();
                float diff = 0;
                float min = Float.POSITIVE_INFINITY;
                float max = Float.NEGATIVE_INFINITY;
                for (int i = 0; i < want.length; i++) {
                    diff = Math.max(diff, Math.abs(want[i] - got[i]));
                    if (Float.isNaN(got[i])) {
                        diff = Float.POSITIVE_INFINITY;
                    }
                    min = Math.min(min, want[i]);
                    max = Math.max(max, want[i]);
                }
                worstAbsolute = Math.max(worstAbsolute, diff);
                worstRelative = Math.max(worstRelative, diff / Math.max(1e-6f, max - min));
                sameTop += argmax(want) == argmax(got) ? 1 : 0;
            }
            return new Result(c.name(), expected.size(), worstRelative, worstAbsolute,
                    expected.isEmpty() ? 0 : (double) sameTop / expected.size(), complete && worstRelative <= TOLERANCE);
        } catch (RuntimeException e) {
            return new Result(c.name() + " [" + e.getClass().getSimpleName() + ": " + e.getMessage() + "]", 0,
                    Float.NaN, Float.NaN, 0, false);
        }
    }

    private static void collect(ForwardPath path, List<Sequence> sequences, List<int[]> tokens, boolean all,
            Map<String, float[]> into, String what) {
        int vocab = path.config().vocabSize();
        path.append(sequences, tokens, all, (s, position, logits, off) ->
                into.put(what + " / sequence " + s + " / position " + position,
                        Arrays.copyOfRange(logits, off, off + vocab)));
    }

    private static int argmax(float[] row) {
        int best = 0;
        for (int i = 1; i < row.length; i++) {
            if (row[i] > row[best]) {
                best = i;
            }
        }
        return best;
    }
}
