package dev.plt.jobs.bench;

import dev.plt.model.bench.BenchModels;
import dev.plt.model.bench.BenchShape;
import dev.plt.model.bench.BenchVariant;
import dev.plt.model.bench.DecodeLatency;
import dev.plt.model.bench.PrefillThroughput;
import dev.plt.model.bench.Stats;
import dev.plt.model.inference.EngineOptions;
import dev.plt.model.inference.PltModel;
import dev.plt.model.io.DType;
import dev.plt.model.io.gguf.GgmlType;
import dev.plt.model.io.gguf.LlamaGgufExport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * {@code plt bench --peer llama.cpp}: the engine and llama.cpp on the same random non-loop model, batch-1 decode
 * and a 512-token prefill, in interleaved rounds (each round measures every engine dtype and every llama.cpp type
 * once, one after the other), so that a machine busy with other work slows both sides alike; each figure is the
 * median over the rounds. llama.cpp runs {@code plt export-gguf}'s files of the engine's f32 checkpoint through
 * {@code llama-bench} (or, where that is not built yet, {@code llama-speed}, scripts/llama-speed.cpp, which measures
 * the same way with the same options); the engine counterpart of llama.cpp's f16 and bf16 is its bf16 path (the engine has no
 * f16 kernels: f16 weights are widened to f32 at load), of Q8_0 its int8 path (the f32 checkpoint quantized at load,
 * {@code --weights int8}: blocks of 32 weights like Q8_0's, with an f32 rather than f16 scale).
 */
public final class LlamaCppBench {
    /** The 91M-parameter non-loop shape: d=1024, 8 layers, GQA 16/4 heads of 64, SwiGLU 2816, vocab 512. */
    public static BenchShape shape91m() {
        return new BenchShape(1024, 2816, 8, 16, 4, 64, 512, 64, 1);
    }

    /**
     * @param decodeTokens       timed decode steps per round (engine) and llama-bench's n_gen
     * @param decodePromptTokens context before the timed decode (engine prompt, llama-bench's n_depth)
     */
    public record Plan(BenchShape shape, List<GgmlType> types, int rounds, int decodeTokens, int decodePromptTokens,
            int prefillTokens, int threads, String backend, Path output, Path cacheDir, Path home) {
        public Plan {
            require(!types.isEmpty() && types.stream().distinct().count() == types.size(),
                    "--llama-types needs distinct values, got " + types);
            require(rounds >= 1, "--rounds must be >= 1, got " + rounds);
            require(decodeTokens >= 1, "--steps must be >= 1, got " + decodeTokens);
            require(threads >= 1, "--threads must be >= 1, got " + threads);
        }
    }

    /** One row: a llama.cpp type next to the engine dtype it is compared with; tokens/s are medians over rounds. */
    public record Row(String llamaType, String engineDtype, double llamaDecodeTokensPerSecond,
            double engineDecodeTokensPerSecond, double decodeSpeedup, double llamaPrefillTokensPerSecond,
            double enginePrefillTokensPerSecond, double prefillSpeedup, long ggufBytes, List<Double> llamaDecodeRounds,
            List<Double> engineDecodeRounds, List<Double> llamaPrefillRounds, List<Double> enginePrefillRounds) {
    }

    public record Report(String startedAt, double seconds, String llamaCpp, String shape, long parameters, int threads,
            int rounds, int decodeTokens, int decodePromptTokens, int prefillTokens, String engineBackend, List<Row> rows) {
    }

    private static final long SEED = 20251;
    private static final long TIMEOUT_SECONDS = 900;

    private final Plan plan;
    private final Consumer<String> progress;
    private String engineBackend = "none";

    public LlamaCppBench(Plan plan, Consumer<String> progress) {
        this.plan = plan;
        this.progress = progress;
    }

    public static EngineDtype engineDtypeFor(GgmlType type) {
        return type == GgmlType.F32 ? EngineDtype.F32 : type == GgmlType.Q8_0 ? EngineDtype.INT8 : EngineDtype.BF16;
    }

    public Report run() throws IOException, InterruptedException {
        long start = System.nanoTime();
        String startedAt = Instant.now().toString();
        LlamaCppTools.Result found = LlamaCppTools.find(plan.home());
        if (found.tools() == null) {
            throw new IllegalArgumentException("--peer llama.cpp: " + found.missing());
        }
        LlamaCppTools tools = found.tools();
        Files.createDirectories(plan.output());
        BenchModels models = new BenchModels(plan.cacheDir(), plan.shape(), progress);
        Map<EngineDtype, Path> engineModels = new LinkedHashMap<>();
        for (GgmlType type : plan.types()) {
            EngineDtype dtype = engineDtypeFor(type);
            engineModels.computeIfAbsent(dtype, d -> models.variantDir(d.checkpoint(), BenchVariant.NON_LOOP));
        }
        Path f32 = models.variantDir(DType.F32, BenchVariant.NON_LOOP);
        Map<GgmlType, Path> ggufs = new LinkedHashMap<>();
        for (GgmlType type : plan.types()) {
            Path gguf = plan.cacheDir().resolve(plan.shape().key()).resolve("gguf").resolve(type.ggmlName() + ".gguf");
            if (!Files.isRegularFile(gguf)) {
                progress.accept("export-gguf " + type.ggmlName() + " -> " + gguf);
                LlamaGgufExport.export(f32, type, gguf);
            }
            ggufs.put(type, gguf);
        }

        Map<EngineDtype, List<double[]>> engine = new LinkedHashMap<>(); // per round: {decode tok/s, prefill tok/s}
        Map<GgmlType, List<double[]>> llama = new LinkedHashMap<>();
        for (int round = 1; round <= plan.rounds(); round++) {
            for (Map.Entry<EngineDtype, Path> e : engineModels.entrySet()) {
                double[] figures = measureEngine(e.getValue(), e.getKey());
                engine.computeIfAbsent(e.getKey(), d -> new ArrayList<>()).add(figures);
                progress.accept(String.format(Locale.ROOT, "round %d/%d engine %s: decode %.1f tokens/s, prefill %.0f tokens/s",
                        round, plan.rounds(), BenchRun.name(e.getKey()), figures[0], figures[1]));
                for (GgmlType type : plan.types()) {
                    if (engineDtypeFor(type) != e.getKey()) {
                        continue;
                    }
                    double[] theirs = measureLlama(tools, ggufs.get(type), round);
                    llama.computeIfAbsent(type, t -> new ArrayList<>()).add(theirs);
                    progress.accept(String.format(Locale.ROOT, "round %d/%d llama.cpp %s: decode %.1f tokens/s, prefill %.0f tokens/s",
                            round, plan.rounds(), type.ggmlName(), theirs[0], theirs[1]));
                }
            }
        }
        List<Row> rows = new ArrayList<>();
        for (GgmlType type : plan.types()) {
            EngineDtype dtype = engineDtypeFor(type);
            List<Double> llamaDecode = column(llama.get(type), 0);
            List<Double> llamaPrefill = column(llama.get(type), 1);
            List<Double> engineDecode = column(engine.get(dtype), 0);
            List<Double> enginePrefill = column(engine.get(dtype), 1);
            double ld = median(llamaDecode);
            double lp = median(llamaPrefill);
            double ed = median(engineDecode);
            double ep = median(enginePrefill);
            rows.add(new Row(type.ggmlName(), BenchRun.name(dtype), ld, ed, ed / ld, lp, ep, ep / lp,
                    Files.size(ggufs.get(type)), llamaDecode, engineDecode, llamaPrefill, enginePrefill));
        }
        return new Report(startedAt, (System.nanoTime() - start) / 1e9, tools.version() + ", " + tools.benchName(),
                plan.shape().key(),
                plan.shape().parameters(), plan.threads(), plan.rounds(), plan.decodeTokens(), plan.decodePromptTokens(),
                plan.prefillTokens(), engineBackend, List.copyOf(rows));
    }

    /** {decode tokens/s at batch 1, prefill tokens/s}; the model is loaded for the round and closed after it. */
    private double[] measureEngine(Path dir, EngineDtype dtype) {
        EngineOptions options = EngineOptions.defaults().withThreads(plan.threads()).withBackend(plan.backend())
                .withWeights(dtype.weights());
        try (PltModel model = PltModel.load(dir, options)) {
            engineBackend = model.backendName();
            PrefillThroughput.measure(model.path(), Math.min(64, plan.prefillTokens()), SEED - 1); // JIT, off the clock
            DecodeLatency.Timing decode = DecodeLatency.measure(model.path(), List.of(1), plan.decodePromptTokens(), 2,
                    plan.decodeTokens(), SEED).get(0);
            PrefillThroughput.Timing prefill = PrefillThroughput.measure(model.path(), plan.prefillTokens(), SEED + 1);
            return new double[] {decode.tokensPerSecond(), prefill.tokensPerSecond()};
        }
    }

    /** {decode tokens/s, prefill tokens/s} from two llama-bench runs (each with its own untimed warm-up run). */
    private double[] measureLlama(LlamaCppTools tools, Path gguf, int round) throws IOException, InterruptedException {
        String base = gguf.getFileName().toString().replace(".gguf", "");
        String decode = llamaBench(tools, gguf, List.of("-p", "0", "-n", String.valueOf(plan.decodeTokens()), "-d",
                String.valueOf(plan.decodePromptTokens())), plan.output().resolve("llama-" + base + "-decode-r" + round + ".json"));
        String prefill = llamaBench(tools, gguf, List.of("-p", String.valueOf(plan.prefillTokens()), "-n", "0"),
                plan.output().resolve("llama-" + base + "-prefill-r" + round + ".json"));
        return new double[] {LlamaBenchJson.tokensPerSecond(decode, 0, plan.decodeTokens()),
            LlamaBenchJson.tokensPerSecond(prefill, plan.prefillTokens(), 0)};
    }

    private String llamaBench(LlamaCppTools tools, Path gguf, List<String> test, Path stdoutFile)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(tools.bench().toString(), "-m", gguf.toString(), "-t",
                String.valueOf(plan.threads()), "-r", "1", "-ngl", "0", "-o", "json"));
        command.addAll(test);
        Path stderrFile = stdoutFile.resolveSibling(stdoutFile.getFileName() + ".err");
        Process process = new ProcessBuilder(command).redirectOutput(stdoutFile.toFile())
                .redirectError(stderrFile.toFile()).start();
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(tools.benchName() + " did not finish within " + TIMEOUT_SECONDS + " s: "
                    + String.join(" ", command));
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException(tools.benchName() + " exited with " + process.exitValue() + " (see " + stderrFile
                    + "): " + String.join(" ", command));
        }
        return Files.readString(stdoutFile, StandardCharsets.UTF_8);
    }

    private static List<Double> column(List<double[]> rounds, int index) {
        return rounds.stream().map(r -> r[index]).toList();
    }

    private static double median(List<Double> values) {
        return Stats.of(values.stream().mapToDouble(Double::doubleValue).toArray()).median();
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** The markdown table of a report (also printed on stdout). */
    public static String markdown(Report r) {
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "### Engine vs llama.cpp (%s), model %s (%.1fM parameters), %d thread(s), "
                + "median of %d interleaved rounds; decode batch 1 after %d tokens (%d steps), prefill %d tokens; "
                + "engine kernels %s%n%n", r.llamaCpp(), r.shape(), r.parameters() / 1e6, r.threads(), r.rounds(),
                r.decodePromptTokens(), r.decodeTokens(), r.prefillTokens(), r.engineBackend()));
        md.append("| llama.cpp type | GGUF MB | engine dtype | llama.cpp decode tok/s | engine decode tok/s | engine/llama.cpp "
                + "decode | llama.cpp prefill tok/s | engine prefill tok/s | engine/llama.cpp prefill |\n");
        md.append("|---|---:|---|---:|---:|---:|---:|---:|---:|\n");
        for (Row row : r.rows()) {
            md.append(String.format(Locale.ROOT, "| %s | %.1f | %s | %.1f | %.1f | %.2fx | %.0f | %.0f | %.2fx |%n",
                    row.llamaType(), row.ggufBytes() / 1e6, row.engineDtype(), row.llamaDecodeTokensPerSecond(),
                    row.engineDecodeTokensPerSecond(), row.decodeSpeedup(), row.llamaPrefillTokensPerSecond(),
                    row.enginePrefillTokensPerSecond(), row.prefillSpeedup()));
        }
        return md.toString();
    }
}
