package dev.plt.model.quant;

import dev.plt.model.inference.EngineOptions;
import dev.plt.model.inference.PltModel;
import dev.plt.model.inference.TokenScores;
import dev.plt.model.weights.WeightFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * How far a weight format moves a model's scores from its f32 weights: the same sequences scored by the engine
 * loaded both ways, per-token log-probs compared. Used by {@link Int8ParityTest} and, as a main, to measure the
 * embedded model and the benchmark model (docs/BENCHMARKS.md, "8-bit weights"):
 * <pre>
 * java ... dev.plt.model.quant.WeightFormatAccuracy MODEL_DIR (TEXT_FILE TAIL_FRACTION | random VOCAB) SEQUENCES LENGTH [FORMAT]
 * </pre>
 * With a text file, the sequences are consecutive windows of its tokenized tail; with {@code random}, uniform random
 * token ids (for random-weight models, where perplexity on text means nothing but log-prob differences do).
 */
public final class WeightFormatAccuracy {
    /**
     * @param tokens         log-probs compared (every position but each sequence's first)
     * @param perplexityF32  exp of the mean negative log-prob with f32 weights
     * @param perplexity     the same with the other format
     * @param maxAbsDiff     max |log p_f32 - log p_other| over the tokens
     * @param meanAbsDiff    mean of the same
     */
    public record Result(WeightFormat format, int tokens, double perplexityF32, double perplexity, double maxAbsDiff,
            double meanAbsDiff) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s vs f32: %d tokens, perplexity %.4f vs %.4f (%+.3f%%), "
                    + "max |log-prob diff| %.5f, mean %.6f", format.id(), tokens, perplexity, perplexityF32,
                    100 * (perplexity / perplexityF32 - 1), maxAbsDiff, meanAbsDiff);
        }
    }

    private WeightFormatAccuracy() {
    }

    /** Scores {@code sequences} with f32 weights and with {@code format} (one model loaded at a time). */
    public static Result compare(Path modelDir, List<int[]> sequences, WeightFormat format, int threads) {
        List<TokenScores> f32 = score(modelDir, sequences, WeightFormat.F32, threads);
        List<TokenScores> other = score(modelDir, sequences, format, threads);
        int tokens = 0;
        double nllF32 = 0;
        double nll = 0;
        double max = 0;
        double sumAbs = 0;
        for (int s = 0; s < sequences.size(); s++) {
            double[] a = f32.get(s).logprobs();
            double[] b = other.get(s).logprobs();
            for (int i = 1; i < a.length; i++) {
                double diff = Math.abs(a[i] - b[i]);
                max = Math.max(max, diff);
                sumAbs += diff;
                nllF32 -= a[i];
                nll -= b[i];
                tokens++;
            }
        }
        return new Result(format, tokens, Math.exp(nllF32 / tokens), Math.exp(nll / tokens), max, sumAbs / tokens);
    }

    private static List<TokenScores> score(Path modelDir, List<int[]> sequences, WeightFormat format, int threads) {
        EngineOptions options = EngineOptions.defaults().withThreads(threads).withWeights(format);
        try (PltModel model = PltModel.load(modelDir, options)) {
            return model.score(sequences);
        }
    }

    /** {@code count} sequences of {@code length} uniform random ids below {@code vocab}. */
    public static List<int[]> randomSequences(int count, int length, int vocab, long seed) {
        Random random = new Random(seed);
        List<int[]> sequences = new ArrayList<>();
        for (int s = 0; s < count; s++) {
            sequences.add(random.ints(length, 0, vocab).toArray());
        }
        return sequences;
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 5) {
            System.err.println("usage: MODEL_DIR (TEXT_FILE TAIL_FRACTION | random VOCAB) SEQUENCES LENGTH [FORMAT]");
            System.exit(2);
        }
        Path model = Path.of(args[0]);
        int count = Integer.parseInt(args[3]);
        int length = Integer.parseInt(args[4]);
        WeightFormat format = args.length > 5 ? WeightFormat.of(args[5]) : WeightFormat.INT8;
        List<int[]> sequences;
        String source;
        if (args[1].equals("random")) {
            sequences = randomSequences(count, length, Integer.parseInt(args[2]), 20261203L);
            source = "uniform random token ids";
        } else {
            String text = Files.readString(Path.of(args[1]), StandardCharsets.UTF_8);
            double tail = Double.parseDouble(args[2]);
            String held = text.substring((int) (text.length() * (1 - tail)));
            int[] ids;
            try (PltModel m = PltModel.load(model, EngineOptions.defaults().withThreads(1))) {
                ids = m.requireTokenizer().encode(held);
            }
            sequences = new ArrayList<>();
            for (int s = 0; s < count && (s + 1) * length <= ids.length; s++) {
                sequences.add(Arrays.copyOfRange(ids, s * length, (s + 1) * length));
            }
            source = "the last " + tail + " of " + args[1];
        }
        Result r = compare(model, sequences, format, Runtime.getRuntime().availableProcessors());
        System.out.println(model + ", " + sequences.size() + " sequences of " + length + " tokens from " + source + ": "
                + r);
    }
}
