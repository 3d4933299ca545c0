package dev.plt.jobs.evaluate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.plt.jobs.SharedSpark;
import dev.plt.model.inference.ContinuationScore;
import dev.plt.model.inference.EngineOptions;
import dev.plt.model.inference.PltModel;
import dev.plt.model.inference.Scorer;
import dev.plt.model.checkpoint.RandomCheckpoint;
import dev.plt.model.tokenizer.PltTokenizer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code plt evaluate --task mc_jsonl} on a random checkpoint (3 partitions, micro-batches of 4)
 * against lm-eval's definitions recomputed on the driver straight from the engine, one question at a
 * time: the context {@code "Question: {question}\nAnswer:"}, continuations {@code " " + choice} split
 * off the encoding of context + continuation; {@code acc} = the choice of highest summed
 * log-likelihood is gold, {@code acc_norm} = the choice of highest log-likelihood per character of the
 * choice text (Python's {@code len(choice)}, without the leading space) is gold, ties to the first.
 * Every sample's log-likelihoods (bit for bit), prediction, acc, acc_norm and correctness must match,
 * and metrics.json's means and stderrs must be those of the per-sample values.
 *
 * <p>The gold answers are picked after the engine has been asked, so that the per-sample values can
 * tell right from wrong: where acc and acc_norm choose differently the gold is one of the two (both
 * cases occur), and where normalising by UTF-8 bytes or by the continuation with its space would choose
 * otherwise than per character, the gold is the per-character choice.
 */
@ExtendWith(SharedSpark.class)
class MultipleChoiceEvaluationTest {
    @TempDir
    Path dir;

    /** The engine's answer to one question. */
    private record Oracle(double[] loglikelihoods, int acc, int accNorm, int byBytes, int bySpacedChars) {
    }

    @Test
    void accAndAccNormAreTheEnginesArgmaxesForEverySample() throws Exception {
        Path model = RandomCheckpoint.write(dir.resolve("model"), RandomCheckpoint.Spec.small());
        List<TaskFiles.Question> questions = new ArrayList<>();
        List<Oracle> oracles = new ArrayList<>();
        try (PltModel engine = PltModel.load(model, EngineOptions.defaults())) {
            int split = 0;
            for (TaskFiles.Question q : TaskFiles.QUESTIONS) {
                Oracle o = oracle(engine, q);
                oracles.add(o);
                int gold;
                if (o.accNorm() != o.byBytes() || o.accNorm() != o.bySpacedChars()) {
                    gold = o.accNorm();
                } else if (o.acc() != o.accNorm()) {
                    gold = split++ % 2 == 0 ? o.accNorm() : o.acc();
                } else {
                    gold = q.gold();
                }
                questions.add(q.withGold(gold));
            }
        }
        assertCovers(questions, oracles);

        Path data = TaskFiles.multipleChoice(dir.resolve("mc.jsonl"), questions);
        Path out = EvaluateOutput.evaluate(dir.resolve("out"), "--task", "mc_jsonl", "--data", data.toString(),
                "--model", model.toString(), "--partitions", "3", "--batch-size", "4");

        List<JsonNode> samples = EvaluateOutput.samples(out);
        assertEquals(questions.size(), samples.size());
        int accRight = 0;
        int accNormRight = 0;
        for (int i = 0; i < questions.size(); i++) {
            TaskFiles.Question q = questions.get(i);
            Oracle o = oracles.get(i);
            JsonNode row = samples.get(i);
            String where = "sample " + q.id() + ": " + row;
            assertEquals(q.id(), row.get("sample_id").asText(), where);
            assertEquals(q.choices(), texts(row.get("choices")), where);
            assertTrue(row.get("error").isNull(), where);
            double[] got = new double[row.get("loglikelihoods").size()];
            for (int c = 0; c < got.length; c++) {
                got[c] = row.get("loglikelihoods").get(c).doubleValue();
            }
            assertArrayEquals(bits(o.loglikelihoods()), bits(got), where);
            assertEquals(q.choices().get(o.acc()), row.get("prediction").asText(), where);
            assertEquals(q.choices().get(q.gold()), row.get("target").asText(), where);
            double acc = o.acc() == q.gold() ? 1 : 0;
            double accNorm = o.accNorm() == q.gold() ? 1 : 0;
            assertEquals(acc, row.get("metrics").get("acc").doubleValue(), where);
            assertEquals(accNorm, row.get("metrics").get("acc_norm").doubleValue(), where);
            assertEquals(acc == 1, row.get("correct").booleanValue(), where);
            accRight += (int) acc;
            accNormRight += (int) accNorm;
        }

        JsonNode metrics = EvaluateOutput.metrics(out);
        int n = questions.size();
        assertEquals(n, metrics.get("n").asInt(), metrics.toString());
        assertEquals(0, metrics.get("errors").asInt(), metrics.toString());
        assertMean(accRight, n, metrics.get("metrics").get("acc"));
        assertMean(accNormRight, n, metrics.get("metrics").get("acc_norm"));
    }

    /**
     * lm-eval's request for one question: the continuation is what encoding the whole text adds after
     * the context's tokens (the context ends in no whitespace, so nothing moves across).
     */
    private static Oracle oracle(PltModel engine, TaskFiles.Question q) {
        PltTokenizer tokenizer = engine.requireTokenizer();
        String context = "Question: " + q.question() + "\nAnswer:";
        int[] contextIds = tokenizer.encode(context);
        List<int[]> continuations = new ArrayList<>();
        for (String choice : q.choices()) {
            int[] whole = tokenizer.encode(context + " " + choice);
            assertArrayEquals(contextIds, Arrays.copyOf(whole, contextIds.length),
                    "the context's tokens begin the tokens of context + continuation: " + q.id());
            continuations.add(Arrays.copyOfRange(whole, contextIds.length, whole.length));
        }
        List<ContinuationScore> scores = engine.loglikelihood(List.of(new Scorer.Request(contextIds, continuations)))
                .get(0);
        double[] ll = scores.stream().mapToDouble(ContinuationScore::logprob).toArray();
        return new Oracle(ll, argmax(ll, q.choices(), c -> 1),
                argmax(ll, q.choices(), c -> c.codePointCount(0, c.length())),
                argmax(ll, q.choices(), c -> c.getBytes(StandardCharsets.UTF_8).length),
                argmax(ll, q.choices(), c -> 1 + c.codePointCount(0, c.length())));
    }

    /** Index of the highest log-likelihood divided by {@code length} of its choice; the first on ties. */
    private static int argmax(double[] ll, List<String> choices, ToIntFunction<String> length) {
        int best = 0;
        for (int c = 1; c < ll.length; c++) {
            if (ll[c] / length.applyAsInt(choices.get(c)) > ll[best] / length.applyAsInt(choices.get(best))) {
                best = c;
            }
        }
        return best;
    }

    /** The data must let the per-sample values tell the definitions apart, or the test proves little. */
    private static void assertCovers(List<TaskFiles.Question> questions, List<Oracle> oracles) {
        boolean accOnly = false;
        boolean accNormOnly = false;
        boolean notBytes = false;
        for (int i = 0; i < questions.size(); i++) {
            Oracle o = oracles.get(i);
            int gold = questions.get(i).gold();
            accOnly |= o.acc() == gold && o.accNorm() != gold;
            accNormOnly |= o.accNorm() == gold && o.acc() != gold;
            notBytes |= o.accNorm() == gold && (o.byBytes() != gold || o.bySpacedChars() != gold);
        }
        assertTrue(accOnly, "a sample that acc gets right and acc_norm wrong");
        assertTrue(accNormOnly, "a sample that acc_norm gets right and acc wrong");
        assertTrue(notBytes, "a sample whose acc_norm would be wrong if normalised by bytes or with the space");
    }

    /** lm-eval's mean and its stderr (sample standard deviation / sqrt(n)) of {@code right} ones among n. */
    private static void assertMean(int right, int n, JsonNode metric) {
        double mean = (double) right / n;
        double stderr = Math.sqrt(mean * (1 - mean) * n / (n - 1)) / Math.sqrt(n);
        assertEquals(n, metric.get("n").asInt(), metric.toString());
        assertEquals(right, Math.round(metric.get("value").doubleValue() * n), metric.toString());
        assertEquals(mean, metric.get("value").doubleValue(), 1e-12, metric.toString());
        assertEquals(stderr, metric.get("stderr").doubleValue(), 1e-12, metric.toString());
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(t -> out.add(t.asText()));
        return out;
    }

    private static long[] bits(double[] values) {
        return Arrays.stream(values).mapToLong(Double::doubleToRawLongBits).toArray();
    }
}
