package dev.plt.model.inference;

import dev.plt.model.config.ConfigLoader;
import dev.plt.model.config.ModelConfig;
import dev.plt.model.engine.FastPath;
import dev.plt.model.engine.ForwardPath;
import dev.plt.model.engine.ForwardPathProvider;
import dev.plt.model.engine.ForwardPathProviders;
import dev.plt.model.engine.ReferencePath;
import dev.plt.model.errors.ErrorKind;
import dev.plt.model.errors.InvalidInputException;
import dev.plt.model.io.ModelDirectory;
import dev.plt.model.io.ModelFileException;
import dev.plt.model.kernels.pool.EnginePool;
import dev.plt.model.kernels.KernelBackends;
import dev.plt.model.kernels.Kernels;
import dev.plt.model.loop.KvFootprint;
import dev.plt.model.tokenizer.PltTokenizer;
import dev.plt.model.weights.ModelWeights;
import dev.plt.model.weights.WeightFormat;
import dev.plt.model.weights.WeightLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A loaded model and what users call: scoring, lm-eval log-likelihoods and generation, on the fast
 * path or the reference path. Thread-safe: weights are read-only and every call keeps its own state,
 * so concurrent tasks may share one instance.
 */
public final class PltModel implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PltModel.class);

    private final Path directory;
    private final ModelConfig config;
    private final ModelWeights weights;
    private final PltTokenizer tokenizer;
    private final EnginePool pool;
    private final ForwardPath path;
    private final String backendName;

    private PltModel(Path directory, ModelConfig config, ModelWeights weights, PltTokenizer tokenizer,
            EnginePool pool, ForwardPath path, String backendName) {
        this.directory = directory;
        this.config = config;
        this.weights = weights;
        this.tokenizer = tokenizer;
        this.pool = pool;
        this.path = path;
        this.backendName = backendName;
    }

    /** Loads config.json, the safetensors weights and (if present) tokenizer.json from a directory. */
    public static PltModel load(Path directory, EngineOptions options) {
        long start = System.nanoTime();
        if (options.weights() == WeightFormat.INT8 && options.backend().trim().toLowerCase(Locale.ROOT).startsWith("cuda")) {
            // the CUDA path has no int8 kernels: it would widen the quantized weights to bf16, silently
            throw new IllegalArgumentException("--weights int8 runs on the CPU backends only, not --backend "
                    + options.backend());
        }
        ModelConfig config = ConfigLoader.load(directory);
        ModelWeights weights = WeightLoader.load(directory, config, options.weights());
        PltTokenizer tokenizer = tokenizer(directory, config);
        EnginePool pool = new EnginePool(options.threads());
        ForwardPath path;
        String backend;
        if (options.path().equals("reference")) {
            path = new ReferencePath(config, weights);
            backend = "reference";
        } else { // cuda comes from plt-cuda, when on the classpath; the CPU backends are here
            ForwardPathProvider.Opened opened = ForwardPathProviders
                    .open(config, weights, options.backend(), options.prefillChunk())
                    .orElseGet(() -> cpuPath(config, weights, pool, options));
            path = opened.path();
            backend = opened.description();
        }
        LOG.info("Loaded {} from {}: {}, {} params, {} MB of weights, path={}, backend={}, threads={}, in {} ms",
                config.modelType(), directory, config.familyName(), weights.parameterCount(),
                weights.streamedBytesPerStep() / (1 << 20), path.name(), backend, options.threads(),
                (System.nanoTime() - start) / 1_000_000);
        return new PltModel(directory, config, weights, tokenizer, pool, path, backend);
    }

    private static ForwardPathProvider.Opened cpuPath(ModelConfig config, ModelWeights weights, EnginePool pool,
            EngineOptions options) {
        Kernels kernels = KernelBackends.select(options.backend(), pool);
        return new ForwardPathProvider.Opened(new FastPath(config, weights, kernels, pool, options.prefillChunk()),
                kernels.name());
    }

    /**
     * Checks a model directory without loading its weights: config.json, the safetensors headers and
     * every tensor's name and shape against the config, and tokenizer.json when present. Jobs call this
     * on the driver so that a bad model fails in seconds with one line before any work starts; NaN or
     * Inf weights are found by {@link #load}, which reads the data.
     *
     * @throws dev.plt.model.config.ConfigException      for a bad config.json
     * @throws dev.plt.model.io.ModelFileException naming the file (and tensor) for a bad checkpoint
     */
    public static ModelConfig check(Path directory) {
        ModelConfig config = ConfigLoader.load(directory);
        WeightLoader.checkLayout(directory, config);
        PltTokenizer tokenizer = tokenizer(directory, config);
        if (tokenizer != null) {
            tokenizer.close();
        }
        return config;
    }

    /**
     * The directory's tokenizer.json, or null when it has none. Its ids must all have an embedding row:
     * a tokenizer larger than vocab_size would encode text to ids the model cannot take. A vocab_size
     * above the tokenizer's is fine (real models pad it); decoding a padding id then fails the row, see
     * {@link PltTokenizer#decode(int[], boolean)}.
     */
    private static PltTokenizer tokenizer(Path directory, ModelConfig config) {
        if (!ModelDirectory.of(directory).has(ModelDirectory.TOKENIZER)) {
            return null;
        }
        PltTokenizer tokenizer = PltTokenizer.load(directory.resolve(ModelDirectory.TOKENIZER));
        if (tokenizer.vocabSize() > config.vocabSize()) {
            tokenizer.close();
            throw ModelFileException.of(tokenizer.path(), "has token ids up to " + (tokenizer.vocabSize() - 1)
                    + " (a vocabulary of " + tokenizer.vocabSize() + ") but config.json's vocab_size is "
                    + config.vocabSize() + ": the model has no embedding for the ids above; wrong tokenizer?");
        }
        return tokenizer;
    }

    public Path directory() {
        return directory;
    }

    public ModelConfig config() {
        return config;
    }

    public ModelWeights weights() {
        return weights;
    }

    public ForwardPath path() {
        return path;
    }

    public String backendName() {
        return backendName;
    }

    /** The tokenizer, or null when the model directory has no tokenizer.json. */
    public PltTokenizer tokenizer() {
        return tokenizer;
    }

    public PltTokenizer requireTokenizer() {
        if (tokenizer == null) {
            throw new InvalidInputException(ErrorKind.INVALID_INPUT, directory
                    + " has no tokenizer.json: give input_ids instead of text");
        }
        return tokenizer;
    }

    /** KV-cache bytes one sequence of {@code tokens} tokens needs (plt-spec section 4). */
    public long kvBytesPerSequence(int tokens) {
        return KvFootprint.bytesPerSequence(config, tokens);
    }

    /** Throws {@link InvalidInputException} (empty_input, token_out_of_range) naming the first bad token id. */
    public void validate(int[] tokens) {
        if (tokens.length == 0) {
            throw new InvalidInputException(ErrorKind.EMPTY_INPUT, "input is empty: at least one token is needed");
        }
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] < 0 || tokens[i] >= config.vocabSize()) {
                throw new InvalidInputException(ErrorKind.TOKEN_OUT_OF_RANGE, "token id " + tokens[i] + " at index " + i
                        + " is out of range [0, " + config.vocabSize() + ")");
            }
        }
    }

    public List<TokenScores> score(List<int[]> sequences) {
        sequences.forEach(this::validate);
        return new Scorer(path).score(sequences);
    }

    public List<List<ContinuationScore>> loglikelihood(List<Scorer.Request> requests) {
        for (Scorer.Request r : requests) {
            validate(r.context());
            r.continuations().forEach(this::validate);
        }
        return new Scorer(path).loglikelihood(requests);
    }

    public List<Generation> generate(List<int[]> prompts, GenerationParams params) {
        prompts.forEach(this::validate);
        return new Generator(path, tokenizer).generate(prompts, params);
    }

    /** Token log-probs of every prompt and a generation after it, from one prefill per prompt. */
    public List<ScoredGeneration> scoreAndGenerate(List<int[]> prompts, GenerationParams params) {
        prompts.forEach(this::validate);
        return new Generator(path, tokenizer).scoreAndGenerate(prompts, params);
    }

    @Override
    public void close() {
        path.close();
        pool.close();
        if (tokenizer != null) {
            tokenizer.close();
        }
    }
}
