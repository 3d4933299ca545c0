package dev.plt.trainer.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plt.trainer.model.PltArchitecture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * A JSONL file of {@code {"prompt": "...", "answer": "..."}} lines, byte-level: each example is
 * prompt bytes + answer bytes + {@code <|endoftext|>}, and only the answer bytes and the EOS count in
 * the loss, so the model learns to answer rather than to write prompts. The last {@code valFraction}
 * of the lines is held out.
 *
 * <p>Windows have a fixed length: a short example is padded after its EOS with weight-0 positions
 * (causal attention keeps padding from touching earlier positions); a long one keeps its last tokens,
 * so the answer survives and the prompt loses its beginning.
 */
public final class PromptAnswerCorpus implements TrainingData {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One example: its tokens, and which tokens are answer (counted) tokens. */
    record Example(int[] tokens, boolean[] counted) {
    }

    private final Path path;
    private final List<Example> train;
    private final List<Example> held;

    public PromptAnswerCorpus(Path path, double valFraction) {
        if (valFraction < 0 || valFraction >= 1) {
            throw new IllegalArgumentException("val_fraction must be in [0, 1), got " + valFraction);
        }
        this.path = path;
        List<Example> all = read(path);
        int trainCount = all.size() - (int) Math.round(all.size() * valFraction);
        if (trainCount < 1) {
            throw new IllegalArgumentException(path + ": no training examples left after holding out " + valFraction);
        }
        this.train = all.subList(0, trainCount);
        this.held = all.subList(trainCount, all.size());
    }

    static Example encode(String prompt, String answer) {
        byte[] p = prompt.getBytes(StandardCharsets.UTF_8);
        byte[] a = answer.getBytes(StandardCharsets.UTF_8);
        int[] tokens = new int[p.length + a.length + 1];
        boolean[] counted = new boolean[tokens.length];
        for (int i = 0; i < p.length; i++) {
            tokens[i] = p[i] & 0xFF;
        }
        for (int i = 0; i < a.length; i++) {
            tokens[p.length + i] = a[i] & 0xFF;
            counted[p.length + i] = true;
        }
        tokens[tokens.length - 1] = PltArchitecture.EOS_ID;
        counted[tokens.length - 1] = true;
        return new Example(tokens, counted);
    }

    @Override
    public Batch sample(Random random, int rows, int length) {
        List<long[]> in = new ArrayList<>();
        List<long[]> out = new ArrayList<>();
        List<float[]> w = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            window(train.get(random.nextInt(train.size())), length, in, out, w);
        }
        return Batches.group(in, out, w, rows, length).get(0);
    }

    @Override
    public List<Batch> validation(int rows, int length) {
        List<long[]> in = new ArrayList<>();
        List<long[]> out = new ArrayList<>();
        List<float[]> w = new ArrayList<>();
        for (Example e : held) {
            window(e, length, in, out, w);
        }
        return Batches.group(in, out, w, rows, length);
    }

    @Override
    public String describe() {
        return path + ": " + (train.size() + held.size()) + " prompt/answer examples, " + held.size() + " held out";
    }

    /** Position t predicts token t + 1; it counts when token t + 1 is an answer token or the EOS. */
    static void window(Example e, int length, List<long[]> in, List<long[]> out, List<float[]> w) {
        int[] tokens = e.tokens();
        int first = Math.max(0, tokens.length - (length + 1));
        long[] inputs = new long[length];
        long[] targets = new long[length];
        float[] weights = new float[length];
        Arrays.fill(inputs, PltArchitecture.EOS_ID);
        Arrays.fill(targets, PltArchitecture.EOS_ID);
        for (int t = 0; first + t + 1 < tokens.length && t < length; t++) {
            inputs[t] = tokens[first + t];
            targets[t] = tokens[first + t + 1];
            weights[t] = e.counted()[first + t + 1] ? 1f : 0f;
        }
        in.add(inputs);
        out.add(targets);
        w.add(weights);
    }

    private static List<Example> read(Path path) {
        List<String> lines;
        try {
            lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
        List<Example> examples = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            try {
                JsonNode node = JSON.readTree(line);
                JsonNode prompt = node.get("prompt");
                JsonNode answer = node.get("answer");
                if (prompt == null || !prompt.isTextual() || answer == null || !answer.isTextual()) {
                    throw new IllegalArgumentException("needs string fields \"prompt\" and \"answer\"");
                }
                examples.add(encode(prompt.asText(), answer.asText()));
            } catch (IOException | IllegalArgumentException e) {
                throw new IllegalArgumentException(path + " line " + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        if (examples.isEmpty()) {
            throw new IllegalArgumentException(path + ": no examples");
        }
        return examples;
    }
}
