package dev.plt.model.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.plt.model.inference.Generation;
import dev.plt.model.inference.GenerationParams;
import dev.plt.model.inference.Generator;
import dev.plt.model.inference.Scorer;
import dev.plt.model.inference.TokenScores;
import dev.plt.model.checkpoint.RandomCheckpoint.Spec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A sequence's log-probs and greedy tokens are bitwise identical whether it runs alone or in a batch
 * with sequences of other lengths, whatever the thread count and prefill chunk: no tolerance here.
 */
class BatchInvarianceTest {
    static Stream<Arguments> families() {
        Spec base = Spec.small().withShape(40, 72, 2, 4, 2, 10, 300);
        return Stream.of(
                Arguments.of("non-loop", base.withLoops(1, "parallel")),
                Arguments.of("PLT-2 G-SWA", base),
                Arguments.of("PLT-3 hidden gate", base.withLoops(3, "parallel").withSharing(true, true, true, 2)),
                Arguments.of("vanilla loop-2", base.withLoops(2, "serial")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void resultsDoNotDependOnBatchThreadsOrChunking(String name, Spec spec, @TempDir Path dir) {
        Random random = new Random(7);
        List<int[]> prompts = new ArrayList<>();
        for (int length : new int[] {9, 1, 17, 4, 12}) {
            prompts.add(random.ints(length, 0, spec.vocab()).toArray());
        }
        List<TokenScores> alone = new ArrayList<>();
        List<Generation> aloneGenerated = new ArrayList<>();
        try (TestModels one = TestModels.create(dir.resolve("a"), spec, 1, 256)) {
            for (int[] prompt : prompts) {
                alone.add(new Scorer(one.fast()).score(List.of(prompt)).get(0));
                aloneGenerated.add(new Generator(one.fast(), null).generate(List.of(prompt),
                        GenerationParams.greedy(5)).get(0));
            }
        }
        try (TestModels batched = TestModels.create(dir.resolve("b"), spec, 2, 3)) {
            List<TokenScores> together = new Scorer(batched.fast()).score(prompts);
            List<Generation> generated = new Generator(batched.fast(), null).generate(prompts,
                    GenerationParams.greedy(5));
            for (int i = 0; i < prompts.size(); i++) {
                assertArrayEquals(alone.get(i).logprobs(), together.get(i).logprobs(),
                        name + ": log-probs of sequence " + i + " alone vs batched");
                assertArrayEquals(aloneGenerated.get(i).tokens(), generated.get(i).tokens(),
                        name + ": greedy tokens of sequence " + i + " alone vs batched");
                assertEquals(5, generated.get(i).tokens().length);
            }
        }
    }
}
