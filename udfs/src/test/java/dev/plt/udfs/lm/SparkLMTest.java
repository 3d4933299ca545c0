package dev.plt.udfs.lm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.plt.datasets.tasks.GenerateUntilRequest;
import dev.plt.datasets.tasks.LoglikelihoodRequest;
import dev.plt.datasets.tasks.LoglikelihoodRollingRequest;
import dev.plt.datasets.tasks.RollingWindows;
import dev.plt.model.inference.EngineOptions;
import dev.plt.model.inference.LengthLimit;
import dev.plt.model.inference.PltModel;
import dev.plt.model.checkpoint.RandomCheckpoint;
import dev.plt.udfs.SparkTestSession;
import dev.plt.udfs.batch.EngineSettings;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SparkLM} on local Spark: each call answers every request in request order; a bad request gets an
 * error response and the others their answers; rolling log-likelihoods, computed on the executors from
 * the shipped document, are the engine's own sums over lm-eval's windows, bit for bit; requests sharing a
 * context, answered together, get the bits they get alone.
 */
class SparkLMTest {
    private static final int MAX_LENGTH = 16;

    @TempDir
    static Path dir;
    static SparkSession spark;
    static Path model;
    /** Rolling windows of MAX_LENGTH positions. */
    static SparkLM lm;
    /** No length limit but the model's: no context is cut (a cut context depends on its longest choice). */
    static SparkLM whole;

    @BeforeAll
    static void setUp() {
        spark = SparkTestSession.start("SparkLMTest");
        model = RandomCheckpoint.write(dir.resolve("model"), RandomCheckpoint.Spec.small());
        EngineSettings settings = EngineSettings.defaults().withBatchSize(3)
                .withLengthLimit(new LengthLimit(MAX_LENGTH, LengthLimit.Overlong.TRUNCATE_LEFT));
        lm = new SparkLM(spark, model.toString(), "model", settings, 3, ResponseSink.collecting());
        whole = new SparkLM(spark, model.toString(), "model", EngineSettings.defaults().withBatchSize(3), 3,
                ResponseSink.collecting());
    }

    @AfterAll
    static void tearDown() {
        spark.stop();
    }

    @Test
    void rollingLoglikelihoodsAreTheEnginesWindowSumsAndABadDocumentIsAnErrorValue() {
        List<String> documents = List.of("To be, or not to be, that is the question: whether 'tis nobler.",
                "bad \uD800 document", "", "Now is the winter of our discontent made glorious summer.");
        List<LmResponse> answers = lm.loglikelihoodRolling(documents.stream().map(LoglikelihoodRollingRequest::new)
                .toList());
        assertEquals(4, answers.size());
        assertEquals("invalid_utf8", answers.get(1).errorKind(), answers.get(1).toString());
        assertEquals(0.0, answers.get(2).response().loglikelihood(), "an empty document has no windows");
        try (PltModel engine = PltModel.load(model, EngineOptions.defaults())) {
            int endOfText = engine.requireTokenizer().tokenId("<|endoftext|>").orElseThrow();
            for (int d : new int[] {0, 3}) {
                int[] ids = engine.requireTokenizer().encode(documents.get(d));
                double total = 0;
                int tokens = 0;
                List<RollingWindows.Window> windows = RollingWindows.of(ids, endOfText, MAX_LENGTH);
                assertTrue(windows.size() > 2, "several windows");
                for (RollingWindows.Window w : windows) {
                    int[] row = new int[w.context().length + w.continuation().length];
                    System.arraycopy(w.context(), 0, row, 0, w.context().length);
                    System.arraycopy(w.continuation(), 0, row, w.context().length, w.continuation().length);
                    double[] lp = engine.score(List.of(row)).get(0).logprobs();
                    double window = 0;
                    for (int t = lp.length - w.continuation().length; t < lp.length; t++) {
                        window += lp[t];
                    }
                    total += window;
                    tokens += row.length;
                }
                assertFalse(answers.get(d).isError(), answers.get(d).toString());
                assertEquals(total, answers.get(d).response().loglikelihood(), 0.0, "document " + d);
                assertEquals(tokens, answers.get(d).promptTokens(), "document " + d);
            }
        }
    }

    @Test
    void choicesSharingAContextGetTheBitsTheyGetAlone() {
        List<LoglikelihoodRequest> requests = List.of(new LoglikelihoodRequest("Question: is water wet?\nAnswer:", " yes"),
                new LoglikelihoodRequest("Question: is water wet?\nAnswer:", " no"),
                new LoglikelihoodRequest("Question: is water wet?\nAnswer:", " only on \uDC00 days"),
                new LoglikelihoodRequest("The sky is", " blue"));
        List<LmResponse> together = whole.loglikelihood(requests);
        assertEquals(4, together.size());
        assertEquals("invalid_utf8", together.get(0).errorKind(), "the sample holding a lone surrogate fails whole");
        assertEquals("invalid_utf8", together.get(2).errorKind());
        List<LmResponse> good = whole.loglikelihood(List.of(requests.get(0), requests.get(1), requests.get(3)));
        for (int i = 0; i < 3; i++) {
            LmResponse alone = whole.loglikelihood(List.of(requests.get(i == 2 ? 3 : i))).get(0);
            assertEquals(alone.response(), good.get(i).response(), "request " + i);
        }
        assertTrue(good.get(0).promptTokens() > 0 && good.get(1).promptTokens() == 0,
                "the shared context counts once: " + good);
    }

    @Test
    void generationsComeBackInRequestOrderWhateverTheirSettings() {
        List<GenerateUntilRequest> requests = List.of(new GenerateUntilRequest("abc", List.of("\n"), 5),
                new GenerateUntilRequest("xyz", List.of("q"), 3), new GenerateUntilRequest("abc", List.of("\n"), 5),
                new GenerateUntilRequest("lone \uD800", List.of("\n"), 5));
        List<LmResponse> answers = whole.generateUntil(requests);
        assertEquals(answers.get(0), answers.get(2));
        assertEquals(whole.generateUntil(List.of(requests.get(1))).get(0), answers.get(1));
        assertTrue(answers.get(1).completionTokens() <= 3, answers.get(1).toString());
        assertEquals("invalid_utf8", answers.get(3).errorKind());
    }
}
