package dev.plt.trainer;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.plt.datasets.tasks.chase.ChaseOrder;
import dev.plt.trainer.data.ByteTextCorpus;
import dev.plt.trainer.data.ChaseCorpus;
import dev.plt.trainer.data.PromptAnswerCorpus;
import dev.plt.trainer.data.TrainingData;
import dev.plt.trainer.model.PltArchitecture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * A training run, read from YAML (or JSON, which is YAML too). Unknown keys are errors, so a typo in a
 * switch cannot silently train the wrong model. Relative paths are resolved against the working
 * directory. See {@code trainer/conf/*.yaml} for annotated examples.
 */
public record TrainConfig(
        @JsonProperty("model") PltArchitecture model,
        @JsonProperty("data") Data data,
        @JsonProperty("training") Training training,
        @JsonProperty("output") String output) {

    public TrainConfig {
        Objects.requireNonNull(model, "conf needs a model: section");
        Objects.requireNonNull(data, "conf needs a data: section");
        Objects.requireNonNull(training, "conf needs a training: section");
        Objects.requireNonNull(output, "conf needs an output: directory");
    }

    /**
     * @param text        a text file trained byte-level with random windows, or
     * @param jsonl       a JSONL file of {"prompt", "answer"} with the loss on the answer only, or
     * @param chase       generated compact pointer chasing (fresh examples every step)
     * @param valFraction the tail held out for validation (of the bytes, or of the lines)
     */
    public record Data(
            @JsonProperty("text") String text,
            @JsonProperty("jsonl") String jsonl,
            @JsonProperty("chase") Chase chase,
            @JsonProperty("val_fraction") Double valFraction) {

        public Data {
            int sources = (text != null ? 1 : 0) + (jsonl != null ? 1 : 0) + (chase != null ? 1 : 0);
            if (sources != 1) {
                throw new IllegalArgumentException("data: give exactly one of text:, jsonl: or chase:");
            }
            valFraction = valFraction == null ? 0.05 : valFraction;
        }

        public TrainingData open() {
            if (chase != null) {
                return new ChaseCorpus(ChaseOrder.of(chase.order()), chase.testSeed(), chase.testExamples());
            }
            return text != null ? new ByteTextCorpus(Path.of(text), valFraction)
                    : new PromptAnswerCorpus(Path.of(jsonl), valFraction);
        }
    }

    /**
     * Compact pointer chasing ({@code bin/plt evaluate --task chase} scores the same held-out examples).
     *
     * @param order        {@code qh} or {@code hq}
     * @param testSeed     the seed of the held-out test examples (the task's {@code seed})
     * @param testExamples how many held-out examples the periodic evaluation scores (the task's {@code n})
     */
    public record Chase(
            @JsonProperty("order") String order,
            @JsonProperty("test_seed") Long testSeed,
            @JsonProperty("test_examples") Integer testExamples) {

        public Chase {
            order = order == null ? "qh" : order;
            ChaseOrder.of(order);
            testSeed = testSeed == null ? 1L : testSeed;
            testExamples = testExamples == null ? 256 : testExamples;
        }
    }

    /**
     * @param batch        windows per step
     * @param seqLen       predictions per window (a window reads seq_len + 1 tokens)
     * @param lr           peak learning rate, reached after {@code warmupSteps}, cosine-decayed to {@code minLr}
     * @param gradClip     global gradient-norm clip; 0 turns clipping off
     * @param threads      PyTorch intra-op threads; 0 leaves PyTorch's default
     * @param evalEvery    steps between validation runs on {@code evalBatches} held-out batches (0: only at the end)
     */
    public record Training(
            @JsonProperty("steps") int steps,
            @JsonProperty("batch") int batch,
            @JsonProperty("seq_len") int seqLen,
            @JsonProperty("lr") double lr,
            @JsonProperty("min_lr") Double minLr,
            @JsonProperty("warmup_steps") Integer warmupSteps,
            @JsonProperty("weight_decay") Double weightDecay,
            @JsonProperty("beta1") Double beta1,
            @JsonProperty("beta2") Double beta2,
            @JsonProperty("grad_clip") Double gradClip,
            @JsonProperty("seed") Long seed,
            @JsonProperty("threads") Integer threads,
            @JsonProperty("log_every") Integer logEvery,
            @JsonProperty("eval_every") Integer evalEvery,
            @JsonProperty("eval_batches") Integer evalBatches) {

        public Training {
            if (steps < 1 || batch < 1 || seqLen < 1 || lr <= 0) {
                throw new IllegalArgumentException("training: steps, batch, seq_len and lr must be > 0");
            }
            minLr = minLr == null ? lr / 10 : minLr;
            warmupSteps = warmupSteps == null ? Math.min(100, steps / 10) : warmupSteps;
            weightDecay = weightDecay == null ? 0.1 : weightDecay;
            beta1 = beta1 == null ? 0.9 : beta1;
            beta2 = beta2 == null ? 0.95 : beta2;
            gradClip = gradClip == null ? 1.0 : gradClip;
            seed = seed == null ? 1L : seed;
            threads = threads == null ? 0 : threads;
            logEvery = logEvery == null ? 10 : logEvery;
            evalEvery = evalEvery == null ? 0 : evalEvery;
            evalBatches = evalBatches == null ? 8 : evalBatches;
        }
    }

    public static TrainConfig read(Path file) {
        return read(file, Map.of());
    }

    /**
     * Reads a conf with some values replaced, e.g. {@code training.seed=2} or {@code data.chase.order=hq}:
     * each key is a dotted path of sections; the value is parsed as YAML (so {@code 2} is a number). An
     * experiment runs one conf file under several seeds this way instead of keeping a copy per seed.
     */
    public static TrainConfig read(Path file, Map<String, String> overrides) {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory())
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
        try {
            JsonNode root = yaml.readTree(file.toFile());
            if (root == null || !root.isObject()) {
                throw new IllegalArgumentException("training conf " + file + " must be a YAML mapping");
            }
            for (Map.Entry<String, String> o : overrides.entrySet()) {
                override((ObjectNode) root, o.getKey(), yaml.readTree(o.getValue()));
            }
            return yaml.treeToValue(root, TrainConfig.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read training conf " + file + ": " + e.getMessage(), e);
        }
    }

    private static void override(ObjectNode root, String key, JsonNode value) {
        String[] path = key.split("\\.");
        ObjectNode node = root;
        for (int i = 0; i < path.length - 1; i++) {
            JsonNode child = node.get(path[i]);
            if (child == null) {
                child = node.putObject(path[i]);
            } else if (!child.isObject()) {
                throw new IllegalArgumentException("--set " + key + ": " + path[i] + " is not a section");
            }
            node = (ObjectNode) child;
        }
        node.set(path[path.length - 1], value);
    }
}
