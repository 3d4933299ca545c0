package dev.plt.jobs.options;

import dev.plt.model.inference.EngineOptions;
import dev.plt.model.kernels.KernelBackends;
import dev.plt.model.inference.PltModel;
import dev.plt.model.weights.WeightFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options every command that loads a model shares (a picocli mixin). */
public final class ModelOptions {
    @Option(names = "--model", paramLabel = "DIR",
            description = "Model directory (config.json, model.safetensors, tokenizer.json). "
                    + "Default: the embedded model under models/default.")
    Path model;

    @Option(names = "--path", defaultValue = "fast", paramLabel = "fast|reference",
            description = "fast: KV caches and CLP decoding; reference: the full-sequence oracle. Default: ${DEFAULT-VALUE}.")
    String path;

    @Option(names = "--backend", defaultValue = "auto", paramLabel = "NAME",
            description = "Kernels: auto, vector, vector-256, vector-512, scalar; or cuda (a GPU). Default: ${DEFAULT-VALUE}.")
    String backend;

    @Option(names = "--threads", paramLabel = "N", description = "Engine threads. infer, bench: the engine's; default: "
            + "available processors. Spark jobs (score, generate, evaluate): each executor's engine's (one engine per "
            + "executor JVM, shared by the tasks it runs at once); default: spark.task.cpus.")
    Integer threads;

    @Option(names = "--prefill-chunk", defaultValue = "256", paramLabel = "N",
            description = "Positions per prefill pass (bounds memory). Default: ${DEFAULT-VALUE}.")
    int prefillChunk;

    @Option(names = "--weights", defaultValue = "stored", paramLabel = "stored|f32|bf16|int8",
            description = "How the engine keeps the attention, MLP and LM-head matrices: stored (as the checkpoint "
                    + "holds them), f32, bf16, or int8 (8-bit, one f32 scale per 32 input features, quantized at "
                    + "load). Default: ${DEFAULT-VALUE}.")
    String weights;

    /** The weight format; an unknown one gets a one-line error naming --weights. */
    public WeightFormat weights() {
        return WeightFormat.of(weights == null ? "stored" : weights);
    }

    public String backend() {
        return backend;
    }

    public String path() {
        return path;
    }

    /** Engine threads asked for on the command line, or null for the default. */
    public Integer threads() {
        return OptionRanges.atLeastIfGiven("--threads", threads, 1);
    }

    /** Positions per prefill pass. */
    public int prefillChunk() {
        return OptionRanges.atLeast("--prefill-chunk", prefillChunk, 1);
    }

    /** Checks every engine option, naming it, so a bad one fails before any work. */
    public void validate() {
        threads();
        prefillChunk();
        weights();
        if (!path.equals("fast") && !path.equals("reference")) {
            throw new IllegalArgumentException("--path must be fast or reference, got '" + path + "'");
        }
        String b = backend == null ? "" : backend.trim().toLowerCase(java.util.Locale.ROOT);
        if (!KernelBackends.OPTIONS.contains(b) && !b.equals("cuda") && !b.matches("cuda:[0-9]+")) {
            throw new IllegalArgumentException("--backend must be one of " + String.join(", ", KernelBackends.OPTIONS)
                    + ", cuda or cuda:N, got '" + backend + "'");
        }
        if (weights() == WeightFormat.INT8 && b.startsWith("cuda")) {
            throw new IllegalArgumentException("--weights int8 runs on the CPU backends only, not --backend " + backend);
        }
    }

    public EngineOptions engineOptions() {
        EngineOptions options = EngineOptions.defaults().withBackend(backend).withPath(path)
                .withPrefillChunk(prefillChunk()).withWeights(weights());
        return threads() == null ? options : options.withThreads(threads);
    }

    public Path modelDirectory() {
        if (model != null) {
            return model;
        }
        Path embedded = Path.of(System.getProperty("plt.home", ".")).resolve("models/default");
        if (!Files.isDirectory(embedded)) {
            throw new IllegalArgumentException("no --model given and no embedded model at " + embedded);
        }
        return embedded;
    }

    public PltModel load() {
        validate();
        return PltModel.load(modelDirectory(), engineOptions());
    }
}
