package dev.plt.trainer.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.plt.datasets.tasks.perplexity.HeldOutTail;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/plt evaluate --task perplexity --task-option tail_fraction=F} must score exactly the bytes the
 * trainer held out with {@code val_fraction: F}, no more (text the model trained on) and no less.
 */
class HeldOutTailParityTest {
    @Test
    void theEvaluationTailIsTheTrainersHeldOutSplit(@TempDir Path dir) throws IOException {
        Random random = new Random(4);
        for (int size : new int[] {1000, 1001, 4567, 20_000}) {
            byte[] bytes = new byte[size];
            for (int i = 0; i < size; i++) {
                bytes[i] = (byte) ('a' + random.nextInt(26));
            }
            Path file = dir.resolve("text-" + size + ".txt");
            Files.write(file, bytes);
            for (double fraction : new double[] {0.05, 0.1, 0.333}) {
                ByteTextCorpus corpus = new ByteTextCorpus(file, fraction);
                String tail = HeldOutTail.of(bytes, fraction);
                assertEquals(corpus.validationBytes(), tail.getBytes(StandardCharsets.UTF_8).length,
                        size + " bytes, fraction " + fraction);
                assertEquals(new String(bytes, corpus.trainBytes(), size - corpus.trainBytes(), StandardCharsets.UTF_8),
                        tail);
            }
        }
    }
}
