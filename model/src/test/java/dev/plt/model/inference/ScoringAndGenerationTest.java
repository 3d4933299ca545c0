package dev.plt.model.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.plt.model.errors.InvalidInputException;
import dev.plt.model.reference.ReferenceForward;
import dev.plt.model.checkpoint.RandomCheckpoint;
import dev.plt.model.checkpoint.RandomCheckpoint.Spec;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What users call, on a PLT-3 model, checked against the reference forward computed by hand here. */
class ScoringAndGenerationTest {
    @TempDir
    static Path dir;
    static PltModel model;
    static ReferenceForward reference;

    @BeforeAll
    static void load() {
        RandomCheckpoint.write(dir, Spec.small().withLoops(3, "parallel"));
        model = PltModel.load(dir, EngineOptions.defaults().withThreads(2).withPrefillChunk(5));
        reference = new ReferenceForward(model.config(), model.weights());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static double referenceLogprob(int[] tokens, int position) {
        float[] logits = reference.logits(Arrays.copyOf(tokens, position))[position - 1];
        return logits[tokens[position]] - LogProbs.logSumExp(logits, 0, logits.length);
    }

    @Test
    void tokenLogprobsMatchTheReference() {
        int[] tokens = {3, 77, 12, 250, 9, 9, 140, 31};
        TokenScores scores = model.score(List.of(tokens)).get(0);
        assertTrue(Double.isNaN(scores.logprobs()[0]));
        for (int i = 1; i < tokens.length; i++) {
            assertEquals(referenceLogprob(tokens, i), scores.logprobs()[i], 1e-4, "position " + i);
            assertTrue(scores.logprobs()[i] < 0);
        }
    }

    @Test
    void loglikelihoodBranchesTheContextAndMatchesScoringTheConcatenation() {
        int[] context = {5, 6, 7, 8, 9, 10, 11};
        List<int[]> continuations = List.of(new int[] {42}, new int[] {1, 2, 3}, new int[] {299, 0});
        List<ContinuationScore> scores = model.loglikelihood(
                List.of(new Scorer.Request(context, continuations))).get(0);
        for (int c = 0; c < continuations.size(); c++) {
            int[] all = concat(context, continuations.get(c));
            double expected = 0;
            boolean greedy = true;
            for (int p = context.length; p < all.length; p++) {
                expected += referenceLogprob(all, p);
                float[] logits = reference.logits(Arrays.copyOf(all, p))[p - 1];
                greedy &= LogProbs.argmax(logits, 0, logits.length) == all[p];
            }
            assertEquals(expected, scores.get(c).logprob(), 1e-4, "continuation " + c);
            assertEquals(greedy, scores.get(c).greedy(), "greedy flag of continuation " + c);
            assertEquals(continuations.get(c).length, scores.get(c).tokens());
        }
        // The greedy continuation is recognised as greedy.
        int[] greedyContinuation = model.generate(List.of(context), GenerationParams.greedy(3)).get(0).tokens();
        assertTrue(model.loglikelihood(List.of(new Scorer.Request(context, List.of(greedyContinuation))))
                .get(0).get(0).greedy());
    }

    @Test
    void greedyGenerationFollowsTheReferenceArgmax() {
        int[] prompt = {10, 20, 30};
        Generation g = model.generate(List.of(prompt), GenerationParams.greedy(6)).get(0);
        int[] all = prompt;
        for (int step = 0; step < 6; step++) {
            float[][] logits = reference.logits(all);
            int next = LogProbs.argmax(logits[all.length - 1], 0, logits[0].length);
            assertEquals(next, g.tokens()[step], "step " + step);
            all = concat(all, new int[] {next});
        }
        assertEquals("length", g.finishReason());
        assertEquals(6, g.tokens().length);
        assertEquals(0, model.generate(List.of(prompt), GenerationParams.greedy(0)).get(0).tokens().length);
    }

    @Test
    void stopTokensEndASequenceAndAreNotEmitted() {
        int[] prompt = {10, 20, 30};
        int[] free = model.generate(List.of(prompt), GenerationParams.greedy(6)).get(0).tokens();
        Generation stopped = model.generate(List.of(prompt),
                GenerationParams.greedy(6).withStopTokens(Set.of(free[2]))).get(0);
        int firstStop = 0;
        while (free[firstStop] != free[2]) {
            firstStop++;
        }
        assertArrayEquals(Arrays.copyOf(free, firstStop), stopped.tokens());
        assertEquals("stop", stopped.finishReason());
    }

    @Test
    void stopStringsCutTheText() {
        int[] prompt = model.tokenizer().encode("abc");
        Generation free = model.generate(List.of(prompt), GenerationParams.greedy(8)).get(0);
        String stop = free.text().substring(2, 3);
        Generation cut = model.generate(List.of(prompt), GenerationParams.greedy(8).withStopStrings(List.of(stop)))
                .get(0);
        assertEquals(free.text().substring(0, free.text().indexOf(stop)), cut.text());
        assertEquals("stop", cut.finishReason());
    }

    @Test
    void samplingIsSeededAndTopKOneIsGreedy() {
        int[] prompt = {1, 2, 3, 4};
        GenerationParams sampled = GenerationParams.greedy(12).withSampling(1.5, 0, 0.95, 1234);
        int[] a = model.generate(List.of(prompt), sampled).get(0).tokens();
        int[] b = model.generate(List.of(prompt, new int[] {9, 9}), sampled).get(0).tokens();
        assertArrayEquals(a, b, "same seed, same tokens, whatever the batch");
        int[] other = model.generate(List.of(prompt), sampled.withSampling(1.5, 0, 0.95, 99)).get(0).tokens();
        assertFalse(Arrays.equals(a, other), "another seed gives other tokens");
        int[] topOne = model.generate(List.of(prompt), sampled.withSampling(1.0, 1, 1.0, 5)).get(0).tokens();
        assertArrayEquals(model.generate(List.of(prompt), GenerationParams.greedy(12)).get(0).tokens(), topOne);
        assertNotEquals(0, a.length);
    }

    @Test
    void scoreAndGenerateGivesExactlyWhatScoringAndGeneratingSeparatelyGive() {
        List<int[]> prompts = List.of(new int[] {10, 20, 30}, new int[] {7}, new int[] {3, 77, 12, 250, 9, 9, 140, 31});
        List<TokenScores> scored = model.score(prompts);
        for (GenerationParams params : List.of(GenerationParams.greedy(5), GenerationParams.greedy(0),
                GenerationParams.greedy(5).withSampling(1.3, 0, 0.9, 77))) {
            List<Generation> generated = model.generate(prompts, params);
            List<ScoredGeneration> both = model.scoreAndGenerate(prompts, params);
            for (int s = 0; s < prompts.size(); s++) {
                assertArrayEquals(scored.get(s).logprobs(), both.get(s).scores().logprobs(), "log-probs of prompt " + s);
                assertArrayEquals(generated.get(s).tokens(), both.get(s).generation().tokens(), "tokens of prompt " + s);
                assertEquals(generated.get(s).finishReason(), both.get(s).generation().finishReason());
                assertEquals(generated.get(s).text(), both.get(s).generation().text());
            }
        }
        assertEquals(5, model.scoreAndGenerate(prompts, GenerationParams.greedy(5)).get(2).generation().tokens().length);
    }

    @Test
    void badTokensAreRejectedWithTheirIndex() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> model.score(List.of(new int[] {1, 2, 300})));
        assertTrue(e.getMessage().contains("300") && e.getMessage().contains("index 2"), e.getMessage());
        assertThrows(InvalidInputException.class, () -> model.score(List.of(new int[0])));
        assertThrows(InvalidInputException.class, () -> model.generate(List.of(new int[] {-1}),
                GenerationParams.greedy(1)));
        assertThrows(InvalidInputException.class, () -> model.scoreAndGenerate(List.of(new int[] {300}),
                GenerationParams.greedy(1)));
    }

    @Test
    void kvBytesFollowTheSpecFormula() {
        // PLT-3: loop 1 full + 2 rings of w + 1 = 4 slots; M = 2, H_kv = 2, d_h = 8, f32.
        long perPosition = 2L * 2 * 2 * 8 * 4;
        assertEquals(perPosition * 1024 + 2 * perPosition * 4, model.kvBytesPerSequence(1024));
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
