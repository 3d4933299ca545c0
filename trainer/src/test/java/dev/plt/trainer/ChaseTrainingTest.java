package dev.plt.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plt.datasets.tasks.LoglikelihoodRequest;
import dev.plt.datasets.tasks.Sample;
import dev.plt.datasets.tasks.chase.ChaseSource;
import dev.plt.model.config.ConfigLoader;
import dev.plt.model.config.ModelConfig;
import dev.plt.model.reference.ReferenceForward;
import dev.plt.model.weights.ModelWeights;
import dev.plt.model.weights.WeightLoader;
import dev.plt.trainer.model.PltArchitecture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A few steps of pointer chasing: the run writes its learning curve and result, and the trainer's final
 * accuracy by hop is what the engine (the same task samples {@code bin/plt evaluate --task chase} scores,
 * through {@code ReferenceForward}) gets for the exported model.
 */
class ChaseTrainingTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void curveAndResultAreWrittenAndTheEngineAgreesWithTheTrainersAccuracy(@TempDir Path dir) throws IOException {
        PltArchitecture arch = PltArchitecture.of(32, 64, 1, 2, 2, 16).withLoops(2, "parallel", true, true, false, 8);
        Path out = dir.resolve("model");
        TrainConfig conf = new TrainConfig(arch, new TrainConfig.Data(null, null, new TrainConfig.Chase("hq", 2L, 4), null),
                new TrainConfig.Training(20, 8, 32, 5e-3, null, 2, null, null, null, null, 3L, null, 10, 10, 2),
                out.toString());

        new Trainer(conf).run();

        List<String> curve = Files.readAllLines(out.resolve("curve.jsonl"));
        assertEquals(2, curve.size(), "one point at step 10, one at the end: " + curve);
        JsonNode last = JSON.readTree(curve.get(1));
        assertEquals(20, last.get("step").asInt());
        JsonNode result = JSON.readTree(out.resolve("train_result.json").toFile());
        assertEquals(20, result.get("steps").asInt());
        assertEquals(3, result.get("seed").asInt());
        assertEquals("hq", result.at("/conf/data/chase/order").asText());
        JsonNode accuracy = result.get("accuracy");
        assertEquals(last.get("accuracy"), accuracy, "the curve ends at the final figures");

        Map<String, double[]> engine = engineAccuracy(out, new ChaseSource(2, "test", 4, "hq").load());
        for (String group : List.of("hop_1", "hop_2", "all")) {
            double[] rightTotal = engine.get(group);
            // One query either way at most: a near-tie of two letters may fall differently at 1e-5.
            assertEquals(rightTotal[0] / rightTotal[1], accuracy.get(group).asDouble(), 1.0 / rightTotal[1] + 1e-6,
                    group);
        }
    }

    /** {right, total} per hop group and "all": the argmax over the 9 letters, as multiple choice picks. */
    private static Map<String, double[]> engineAccuracy(Path model, List<Sample> samples) {
        ModelConfig config = ConfigLoader.load(model);
        ModelWeights weights = WeightLoader.load(model, config, false);
        ReferenceForward reference = new ReferenceForward(config, weights);
        Map<String, double[]> counts = Map.of("hop_1", new double[2], "hop_2", new double[2], "all", new double[2]);
        for (Sample s : samples) {
            byte[] context = ((LoglikelihoodRequest) s.requests().get(0)).context().getBytes(StandardCharsets.UTF_8);
            int[] tokens = new int[context.length];
            for (int i = 0; i < tokens.length; i++) {
                tokens[i] = context[i] & 0xFF;
            }
            float[] last = reference.logits(tokens)[tokens.length - 1];
            int best = 0;
            for (int c = 1; c < s.choices().size(); c++) {
                if (last[s.choices().get(c).charAt(0)] > last[s.choices().get(best).charAt(0)]) {
                    best = c;
                }
            }
            for (String group : List.of(s.subject(), "all")) {
                counts.get(group)[0] += best == s.gold() ? 1 : 0;
                counts.get(group)[1]++;
            }
        }
        return counts;
    }
}
