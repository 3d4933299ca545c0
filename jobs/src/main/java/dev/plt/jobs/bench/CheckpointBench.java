package dev.plt.jobs.bench;

import dev.plt.model.bench.DecodeLatency;
import dev.plt.model.bench.KvBytes;
import dev.plt.model.bench.Stats;
import dev.plt.model.config.ModelConfig;
import dev.plt.model.inference.EngineOptions;
import dev.plt.model.inference.PltModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * {@code plt bench --models A,B,...}: the cost columns of a results table for trained checkpoints (e.g.
 * the multihop experiment's five models): batch-1 decode ms/token and KV bytes per sequence. The models
 * are measured in rounds, one after another within each round, and each figure is the median over
 * rounds, so a slow spell of a noisy machine touches every model alike rather than one.
 */
public final class CheckpointBench {
    private static final long SEED = 17;

    /** One model's figures. {@code kvBytes} from filled caches, {@code kvFormula} from plt-spec section 4. */
    public record Row(String model, String family, long parameters, double decodeMsPerToken, long kvBytes,
            long kvFormula) {
    }

    private CheckpointBench() {
    }

    public static List<Row> run(List<Path> models, EngineOptions options, int promptTokens, int warmup, int steps,
            int rounds, int kvTokens, Consumer<String> progress) {
        double[][] medians = new double[models.size()][rounds];
        Row[] described = new Row[models.size()]; // what does not change between rounds, taken in round 1
        for (int round = 0; round < rounds; round++) {
            for (int m = 0; m < models.size(); m++) {
                try (PltModel model = PltModel.load(models.get(m), options)) {
                    if (described[m] == null) {
                        ModelConfig config = model.config();
                        described[m] = new Row(models.get(m).getFileName().toString(), family(config),
                                model.weights().parameterCount(), Double.NaN, KvBytes.filledCaches(config, kvTokens),
                                KvBytes.formula(config, kvTokens));
                    }
                    DecodeLatency.Timing t = DecodeLatency.measure(model.path(), List.of(1), promptTokens, warmup,
                            steps, SEED).get(0);
                    medians[m][round] = t.stepMs().median();
                    progress.accept(String.format(Locale.ROOT, "round %d/%d %s: %.3f ms/token", round + 1, rounds,
                            models.get(m), medians[m][round]));
                }
            }
        }
        List<Row> rows = new ArrayList<>();
        for (int m = 0; m < models.size(); m++) {
            Row d = described[m];
            rows.add(new Row(d.model(), d.family(), d.parameters(), Stats.of(medians[m]).median(), d.kvBytes(),
                    d.kvFormula()));
        }
        return rows;
    }

    /** A markdown table of the rows. */
    public static String markdown(List<Row> rows, int kvTokens) {
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
                "| model | family | parameters | decode ms/token (batch 1) | KV bytes at %,d tokens | spec formula |%n",
                kvTokens));
        out.append("|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            out.append(String.format(Locale.ROOT, "| %s | %s | %,d | %.3f | %,d | %,d |%n", r.model(), r.family(),
                    r.parameters(), r.decodeMsPerToken(), r.kvBytes(), r.kvFormula()));
        }
        return out.toString();
    }

    private static String family(ModelConfig c) {
        if (c.numLoops() == 1) {
            return "non-loop";
        }
        return switch (c.attentionOf(1)) {
            case OWN_FULL_CACHE -> c.loopMode().name().toLowerCase(Locale.ROOT) + " loop-" + c.numLoops();
            case SHARED_ONLY -> "PLT-" + c.numLoops() + " KV-share only";
            case SHARED_PLUS_WINDOW -> "PLT-" + c.numLoops() + " (G-SWA w=" + c.windowSize() + ")";
        };
    }
}
