package dev.plt.trainer.peer;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.plt.model.config.ConfigException;
import dev.plt.model.io.ModelFileException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bin/plt-peer}: the DJL/PyTorch CPU peer of the engine benchmarks. Loads a checkpoint into
 * {@link PeerModel}, and for each batch size B measures, on seeded random prompts of equal length:
 * <ul>
 *   <li>{@code prefill_tokens_per_s}: B x prompt tokens / median wall seconds of a prefill (logits of
 *       the last position only, as generation needs), over {@value #PREFILL_RUNS} runs;</li>
 *   <li>{@code decode_ms_per_token}: median wall ms of one greedy CLP decode step (one new token per
 *       sequence, argmax included) over {@code --decode-steps} steps.</li>
 * </ul>
 * Each batch size first runs {@code --warmup} untimed rounds of the same prefill and decode steps.
 * Prints one JSON object on stdout; logs go to stderr. Exit 0, or 2 with one line for a bad option or
 * model.
 */
@Command(name = "plt-peer", mixinStandardHelpOptions = true, version = "plt-peer 0.1.0",
        description = "Prefill and decode speed of the DJL/PyTorch CPU peer (f32) on a PLT or non-loop checkpoint.")
public final class PeerBenchCli implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(PeerBenchCli.class);
    private static final int PREFILL_RUNS = 3;
    private static final long PROMPT_SEED = 20251028L;
    private static final int EXIT_BAD_SETUP = 2;

    @Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "checkpoint directory")
    private Path model;

    @Option(names = "--batches", split = ",", defaultValue = "1,8,32", paramLabel = "B[,B...]",
            description = "batch sizes (default: ${DEFAULT-VALUE})")
    private List<Integer> batches;

    @Option(names = "--prompt-tokens", defaultValue = "128", paramLabel = "N",
            description = "prompt length of every sequence (default: ${DEFAULT-VALUE})")
    private int promptTokens;

    @Option(names = "--decode-steps", defaultValue = "32", paramLabel = "N",
            description = "timed decode steps per batch size (default: ${DEFAULT-VALUE})")
    private int decodeSteps;

    @Option(names = "--threads", defaultValue = "1", paramLabel = "T",
            description = "PyTorch intra-op threads (default: ${DEFAULT-VALUE})")
    private int threads;

    @Option(names = "--warmup", defaultValue = "1", paramLabel = "N",
            description = "untimed rounds (prefill + decode steps) per batch size (default: ${DEFAULT-VALUE})")
    private int warmup;

    public static void main(String[] args) {
        System.exit(execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs the command line with the JSON going to {@code out} and messages to {@code err}; returns the exit code. */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new PeerBenchCli());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("plt-peer: " + describe(e));
            return EXIT_BAD_SETUP;
        });
        return cli.execute(args);
    }

    @Override
    public Integer call() throws Exception {
        validate();
        // Read by DJL when the PyTorch engine starts; set again below for an engine already started.
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        Engine engine = Engine.getEngine("PyTorch");
        JniUtils.setNumThreads(threads);
        ObjectNode report = new ObjectMapper().createObjectNode();
        report.put("engine", "DJL " + Engine.getDjlVersion() + " / PyTorch " + engine.getVersion() + " CPU");
        report.put("threads", JniUtils.getNumThreads());
        report.put("dtype", "f32");
        report.put("model", model.toString());
        try (NDManager manager = engine.newBaseManager(); PeerModel peer = PeerModel.load(model, manager)) {
            report.put("family", peer.config().familyName());
            report.put("prompt_tokens", promptTokens);
            report.put("decode_steps", decodeSteps);
            LOG.info("PyTorch peer: {} ({}), {} intra-op threads, f32", model, peer.config().familyName(),
                    JniUtils.getNumThreads());
            ArrayNode results = report.putArray("results");
            for (int batch : batches) {
                Measurement m = measure(peer, manager, batch);
                LOG.info("batch {}: decode {} ms/step, prefill {} tokens/s", batch, round(m.decodeMsPerToken),
                        round(m.prefillTokensPerSecond));
                ObjectNode row = results.addObject();
                row.put("batch", batch);
                row.put("decode_ms_per_token", round(m.decodeMsPerToken));
                row.put("prefill_tokens_per_s", round(m.prefillTokensPerSecond));
            }
        }
        spec.commandLine().getOut().println(report.toString());
        spec.commandLine().getOut().flush();
        return 0;
    }

    private record Measurement(double decodeMsPerToken, double prefillTokensPerSecond) {
    }

    private Measurement measure(PeerModel peer, NDManager manager, int batch) {
        int vocab = peer.config().vocabSize();
        Random random = new Random(PROMPT_SEED + batch);
        long[] ids = new long[batch * promptTokens];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = random.nextInt(vocab);
        }
        try (NDArray prompts = manager.create(ids, new Shape(batch, promptTokens))) {
            for (int round = 0; round < warmup; round++) {
                try (PeerDecoder decoder = new PeerDecoder(peer, batch, promptTokens + decodeSteps)) {
                    decodeSteps(decoder, decoder.prefill(prompts, false));
                }
            }
            long[] prefillNanos = new long[PREFILL_RUNS];
            long[] stepNanos = null;
            for (int run = 0; run < PREFILL_RUNS; run++) {
                try (PeerDecoder decoder = new PeerDecoder(peer, batch, promptTokens + decodeSteps)) {
                    long start = System.nanoTime();
                    NDArray logits = decoder.prefill(prompts, false);
                    prefillNanos[run] = System.nanoTime() - start;
                    if (run == PREFILL_RUNS - 1) {
                        stepNanos = decodeSteps(decoder, logits);
                    } else {
                        logits.close();
                    }
                }
            }
            double prefillSeconds = median(prefillNanos) / 1e9;
            return new Measurement(median(stepNanos) / 1e6, batch * (double) promptTokens / prefillSeconds);
        }
    }

    /** Greedy decoding from the prefill's logits; returns each step's wall time (decode + argmax). */
    private long[] decodeSteps(PeerDecoder decoder, NDArray prefillLogits) {
        long[] nanos = new long[decodeSteps];
        NDArray next = PeerDecoder.greedy(prefillLogits);
        prefillLogits.close();
        for (int step = 0; step < decodeSteps; step++) {
            long start = System.nanoTime();
            NDArray logits = decoder.decode(next);
            NDArray chosen = PeerDecoder.greedy(logits);
            nanos[step] = System.nanoTime() - start;
            logits.close();
            next.close();
            next = chosen;
        }
        next.close();
        return nanos;
    }

    private void validate() {
        require(!batches.isEmpty() && batches.stream().allMatch(b -> b != null && b >= 1), "--batches",
                "must be a list of batch sizes >= 1, got " + batches);
        require(promptTokens >= 1, "--prompt-tokens", "must be >= 1, got " + promptTokens);
        require(decodeSteps >= 1, "--decode-steps", "must be >= 1, got " + decodeSteps);
        require(threads >= 1, "--threads", "must be >= 1, got " + threads);
        require(warmup >= 0, "--warmup", "must be >= 0, got " + warmup);
    }

    private void require(boolean ok, String option, String message) {
        if (!ok) {
            throw new CommandLine.ParameterException(spec.commandLine(), option + " " + message);
        }
    }

    private static double median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
    }

    private static double round(double value) {
        return Math.round(value * 1000.0) / 1000.0;
    }

    private static String describe(Exception e) {
        if (e instanceof ConfigException || e instanceof ModelFileException || e instanceof IllegalArgumentException
                || e instanceof IllegalStateException) {
            return e.getMessage();
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
