package dev.plt.trainer.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A text file trained byte by byte: token id = byte value (0..255), which is exactly what the exported
 * byte-level tokenizer (no merges) produces. The last {@code valFraction} of the file is held out, so
 * validation text never appears in a training window.
 */
public final class ByteTextCorpus implements TrainingData {
    private final Path path;
    private final byte[] bytes;
    private final int trainEnd;

    public ByteTextCorpus(Path path, double valFraction) {
        if (valFraction < 0 || valFraction >= 1) {
            throw new IllegalArgumentException("val_fraction must be in [0, 1), got " + valFraction);
        }
        this.path = path;
        try {
            this.bytes = Files.readAllBytes(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read training text " + path, e);
        }
        // Rounded held-out size, so 10% of 1000 bytes is exactly 100 whatever 1 - 0.1 rounds to.
        this.trainEnd = bytes.length - (int) Math.round(bytes.length * valFraction);
    }

    /** Bytes in the training split (the held-out tail is the rest). */
    public int trainBytes() {
        return trainEnd;
    }

    public int validationBytes() {
        return bytes.length - trainEnd;
    }

    @Override
    public Batch sample(Random random, int rows, int length) {
        if (trainEnd < length + 1) {
            throw new IllegalArgumentException("training split (" + trainEnd + " bytes) is shorter than a window of "
                    + (length + 1));
        }
        long[] inputs = new long[rows * length];
        long[] targets = new long[rows * length];
        float[] weights = new float[rows * length];
        for (int r = 0; r < rows; r++) {
            int start = random.nextInt(trainEnd - length);
            for (int t = 0; t < length; t++) {
                inputs[r * length + t] = bytes[start + t] & 0xFF;
                targets[r * length + t] = bytes[start + t + 1] & 0xFF;
                weights[r * length + t] = 1f;
            }
        }
        return new Batch(rows, length, inputs, targets, weights);
    }

    /**
     * Consecutive windows over the held-out tail, stepping by {@code length}, so every held-out byte after
     * the first is predicted exactly once; the last window is padded with weight-0 positions. Each window
     * starts with no context, as a held-out measurement of a fixed-context model should.
     */
    @Override
    public List<Batch> validation(int rows, int length) {
        List<long[]> windowInputs = new ArrayList<>();
        List<long[]> windowTargets = new ArrayList<>();
        List<float[]> windowWeights = new ArrayList<>();
        for (int start = trainEnd; start < bytes.length - 1; start += length) {
            long[] in = new long[length];
            long[] out = new long[length];
            float[] w = new float[length];
            for (int t = 0; t < length && start + t + 1 < bytes.length; t++) {
                in[t] = bytes[start + t] & 0xFF;
                out[t] = bytes[start + t + 1] & 0xFF;
                w[t] = 1f;
            }
            windowInputs.add(in);
            windowTargets.add(out);
            windowWeights.add(w);
        }
        return Batches.group(windowInputs, windowTargets, windowWeights, rows, length);
    }

    @Override
    public String describe() {
        return path + ": " + bytes.length + " bytes, training on the first " + trainEnd + ", holding out the last "
                + validationBytes();
    }
}
