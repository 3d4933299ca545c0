package dev.plt.trainer.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ByteTextCorpusTest {
    /** Byte i of the file is i % 200, so a token's value tells where it came from. */
    private static Path positionalText(Path dir, int length) throws IOException {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i % 200);
        }
        return Files.write(dir.resolve("text.bin"), bytes);
    }

    @Test
    void trainingWindowsAreShiftedByOneAndNeverReadTheHeldOutTail(@TempDir Path dir) throws IOException {
        ByteTextCorpus corpus = new ByteTextCorpus(positionalText(dir, 1000), 0.1);
        assertEquals(900, corpus.trainBytes());
        Batch batch = corpus.sample(new Random(1), 64, 50);
        for (int i = 0; i < batch.inputs().length; i++) {
            assertEquals((batch.inputs()[i] + 1) % 200, batch.targets()[i], "target is the next byte");
            assertEquals(1f, batch.weights()[i]);
        }
        // Windows come from the first 900 bytes: a file of distinct values shows where each one started.
        byte[] distinct = new byte[1000];
        for (int i = 0; i < distinct.length; i++) {
            distinct[i] = (byte) (i < 900 ? i % 100 : 100 + i % 100);
        }
        ByteTextCorpus marked = new ByteTextCorpus(Files.write(dir.resolve("marked.bin"), distinct), 0.1);
        Batch many = marked.sample(new Random(2), 500, 50);
        for (int i = 0; i < many.targets().length; i++) {
            assertTrue(many.inputs()[i] < 100 && many.targets()[i] < 100, "read a held-out byte");
        }
    }

    @Test
    void validationPredictsEveryHeldOutByteAfterTheFirstExactlyOnce(@TempDir Path dir) throws IOException {
        ByteTextCorpus corpus = new ByteTextCorpus(positionalText(dir, 1000), 0.1);
        List<Batch> batches = corpus.validation(2, 16);
        int counted = 0;
        long expectedTarget = 901;
        for (Batch b : batches) {
            for (int i = 0; i < b.targets().length; i++) {
                if (b.weights()[i] > 0) {
                    assertEquals(expectedTarget % 200, b.targets()[i], "held-out targets in order, none repeated");
                    expectedTarget++;
                    counted++;
                }
            }
        }
        assertEquals(99, counted);
        assertEquals(4, batches.size(), "7 windows of 16 (the last padded), 2 per batch");
    }
}
