package dev.plt.model.cuda;

import dev.plt.model.config.LoopMode;
import dev.plt.model.config.ModelConfig;
import dev.plt.model.engine.ForwardPath.Sequence;
import dev.plt.model.weights.ModelWeights;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * On a GPU: per-token decode latency of non-loop, vanilla loop-2 and PLT-2 (KV share + G-SWA, w = 64) on
 * the ~1.1B TinyLlama shape with random weights, at several batch sizes. Each batch prefills a random
 * prompt per sequence, then times greedy decode steps chosen on the device (one int per sequence comes
 * back), after warm-up steps; reports the median step time. One step = one new token for every sequence:
 * one fused pass of B x L rows for PLT, L passes of B rows for vanilla loop-2.
 */
final class DecodeLatencyBenchmark {
    record Row(String family, int batch, double medianMs, double p90Ms, double tokensPerSecond, long kvBytesPerSequence,
            double prefillMs) {
    }

    private DecodeLatencyBenchmark() {
    }

    /** @param tiny time a tiny model instead (to try the program out, not to measure) */
    static List<Row> run(boolean tiny, int[] batches, int prompt, int warmup, int steps, PrintStream out) {
        List<Row> rows = new ArrayList<>();
        ModelConfig nonLoop = SyntheticModel.shape(tiny, 1, LoopMode.NONE, 64);
        ModelConfig vanilla = SyntheticModel.shape(tiny, 2, LoopMode.SERIAL, 64);
        ModelConfig plt = SyntheticModel.shape(tiny, 2, LoopMode.PARALLEL, 64);
        long start = System.nanoTime();
        ModelWeights base = SyntheticModel.weights(nonLoop, null, 1);
        out.printf("random bf16 weights: %.2f B parameters, made in %.1f s%n", base.parameterCount() / 1e9,
                (System.nanoTime() - start) / 1e9);
        out.printf("%-30s %6s %12s %10s %12s %14s %12s%n", "family", "batch", "ms/step", "p90 ms", "tokens/s",
                "KV MB/seq", "prefill ms");
        for (ModelConfig config : List.of(nonLoop, vanilla, plt)) {
            ModelWeights weights = config == nonLoop ? base : SyntheticModel.weights(config, base, 2);
            try (CudaPath path = CudaBackend.open(config, weights, 256)) {
                for (int batch : batches) {
                    Row row = measure(path, config, batch, prompt, warmup, steps);
                    rows.add(row);
                    out.printf("%-30s %6d %12.3f %10.3f %12.0f %14.2f %12.1f%n", row.family(), row.batch(),
                            row.medianMs(), row.p90Ms(), row.tokensPerSecond(), row.kvBytesPerSequence() / 1e6,
                            row.prefillMs());
                    out.flush();
                }
            }
        }
        return rows;
    }

    static Row measure(CudaPath path, ModelConfig config, int batch, int prompt, int warmup, int steps) {
        SplittableRandom random = new SplittableRandom(batch);
        List<Sequence> sequences = new ArrayList<>();
        List<int[]> prompts = new ArrayList<>();
        for (int s = 0; s < batch; s++) {
            sequences.add(path.start());
            prompts.add(random.ints(prompt, 0, config.vocabSize()).toArray());
        }
        long prefillStart = System.nanoTime();
        int[] next = path.appendAndChoose(sequences, prompts, TokenChoice.greedy());
        double prefillMs = (System.nanoTime() - prefillStart) / 1e6;
        double[] times = new double[steps];
        for (int step = 0; step < warmup + steps; step++) {
            List<int[]> tokens = new ArrayList<>(batch);
            for (int s = 0; s < batch; s++) {
                tokens.add(new int[] {next[s]});
            }
            long t0 = System.nanoTime();
            next = path.appendAndChoose(sequences, tokens, TokenChoice.greedy());
            if (step >= warmup) {
                times[step - warmup] = (System.nanoTime() - t0) / 1e6;
            }
        }
        Arrays.sort(times);
        double median = times[steps / 2];
        double p90 = times[Math.min(steps - 1, (int) Math.ceil(0.9 * steps) - 1)];
        return new Row(config.familyName(), batch, median, p90, batch * 1000.0 / median,
                sequences.get(0).kvBytes(), prefillMs);
    }
}
