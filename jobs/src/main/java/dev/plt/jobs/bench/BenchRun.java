package dev.plt.jobs.bench;

import dev.plt.model.bench.BenchModels;
import dev.plt.model.bench.BenchVariant;
import dev.plt.model.bench.DecodeLatency;
import dev.plt.model.bench.KvBytes;
import dev.plt.model.bench.PrefillThroughput;
import dev.plt.model.bench.StreamBandwidth;
import dev.plt.model.engine.ForwardPath;
import dev.plt.model.inference.EngineOptions;
import dev.plt.model.inference.PltModel;
import dev.plt.model.kernels.pool.EnginePool;
import dev.plt.model.weights.LayerWeights;
import dev.plt.model.weights.ModelWeights;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One {@code plt bench} run, in order: read bandwidth; for each dtype and variant, load the model and
 * measure decode at every batch size, prefill, KV bytes and the batch-1 roofline; then ratios, the peer,
 * the Spark section and the targets. Models are loaded one at a time and closed after use.
 */
public final class BenchRun {
    private static final long SEED = 20251;

    private final BenchPlan plan;
    private final Consumer<String> progress;

    private final List<BenchReport.Decode> decode = new ArrayList<>();
    private final List<BenchReport.Prefill> prefill = new ArrayList<>();
    private final List<BenchReport.Kv> kv = new ArrayList<>();
    private final List<BenchReport.Roofline> roofline = new ArrayList<>();
    private String kernelBackend = "none";

    public BenchRun(BenchPlan plan, Consumer<String> progress) {
        this.plan = plan;
        this.progress = progress;
    }

    public BenchReport run() throws IOException {
        long start = System.nanoTime();
        String startedAt = Instant.now().toString();
        Files.createDirectories(plan.output()); // an unwritable --output fails now, not after the measurements
        progress.accept(String.format("%s model %s (%.1fM parameters), dtypes %s, variants %s, batches %s, %d thread(s)",
                plan.quick() ? "quick run:" : "run:", plan.shape().key(), plan.shape().parameters() / 1e6,
                names(plan.dtypes()), plan.variants().stream().map(BenchVariant::id).toList(), plan.batches(),
                plan.threads()));
        StreamBandwidth.Result bandwidth;
        try (EnginePool pool = new EnginePool(plan.threads())) {
            bandwidth = StreamBandwidth.measure(plan.bandwidthBytes(), pool, plan.quick() ? 3 : 5);
        }
        progress.accept(String.format("read bandwidth: %.1f GB/s median, %.1f best (%s, %d thread(s), %d MiB)",
                bandwidth.gbPerSecond(), bandwidth.bestGbPerSecond(), bandwidth.method(), bandwidth.threads(),
                bandwidth.bytes() >> 20));

        Map<EngineDtype, Map<BenchVariant, Path>> dirs = measureEveryModel(bandwidth);

        List<String> dtypeNames = names(plan.dtypes());
        List<BenchReport.Ratio> ratios = Ratios.of(decode, dtypeNames, plan.batches());
        BenchReport.Peer peer = peer(dirs.getOrDefault(EngineDtype.F32, Map.of()));
        BenchReport.Spark spark = plan.spark() ? spark(dirs) : null;
        BenchReport.Settings settings = new BenchReport.Settings(plan.quick(), dtypeNames, plan.batches(),
                plan.variants().stream().map(BenchVariant::id).toList(), plan.steps(), plan.warmupSteps(),
                plan.decodePromptTokens(), plan.prefillTokens(), plan.kvEngineTokens(), plan.kvFilledTokens(),
                plan.bandwidthBytes(), plan.cacheDir().toAbsolutePath().toString());
        List<BenchReport.Target> targets = Targets.check(settings, ratios, kv, roofline, peer);
        return new BenchReport(startedAt, (System.nanoTime() - start) / 1e9,
                MachineInfo.describe(kernelBackend, bandwidth.method(), plan.threads()), settings,
                new BenchReport.ModelInfo(plan.shape().key(), plan.shape(), plan.shape().parameters()), bandwidth,
                List.copyOf(decode), List.copyOf(prefill), List.copyOf(kv), List.copyOf(roofline), ratios, peer, spark,
                targets);
    }

    /** Every dtype and variant in turn, one model loaded at a time; returns the model directories. */
    private Map<EngineDtype, Map<BenchVariant, Path>> measureEveryModel(StreamBandwidth.Result bandwidth) {
        BenchModels models = new BenchModels(plan.cacheDir(), plan.shape(), progress);
        Map<EngineDtype, Map<BenchVariant, Path>> dirs = new LinkedHashMap<>();
        int done = 0;
        int total = plan.dtypes().size() * plan.variants().size();
        for (EngineDtype dtype : plan.dtypes()) {
            boolean firstOfDtype = true;
            for (BenchVariant variant : plan.variants()) {
                Path dir = models.variantDir(dtype.checkpoint(), variant);
                dirs.computeIfAbsent(dtype, d -> new LinkedHashMap<>()).put(variant, dir);
                progress.accept(String.format("[%d/%d] %s %s", ++done, total, name(dtype), variant.id()));
                measure(dir, dtype, variant, firstOfDtype, bandwidth);
                firstOfDtype = false;
            }
        }
        return dirs;
    }

    private void measure(Path dir, EngineDtype dtype, BenchVariant variant, boolean warmJit, StreamBandwidth.Result bandwidth) {
        EngineOptions options = EngineOptions.defaults().withThreads(plan.threads()).withBackend(plan.backend())
                .withWeights(dtype.weights());
        try (PltModel model = PltModel.load(dir, options)) {
            kernelBackend = model.backendName();
            ForwardPath path = model.path();
            if (warmJit) { // the first model of a dtype compiles that dtype's kernels: not on the clock
                PrefillThroughput.measure(path, Math.min(64, plan.prefillTokens()), SEED - 1);
            }
            int loops = model.config().numLoops();
            for (DecodeLatency.Timing t : DecodeLatency.measure(path, plan.batches(), plan.decodePromptTokens(),
                    plan.warmupSteps(), plan.steps(), SEED)) {
                int passes = variant.passesPerDecodeStep();
                BenchReport.Decode d = new BenchReport.Decode(variant.id(), name(dtype), t.batch(), t.stepMs().median(),
                        t.stepMs().min(), t.stepMs().max(), t.stepMs().count(), t.tokensPerSecond(),
                        t.batch() * loops / passes, passes);
                decode.add(d);
                progress.accept(String.format("  decode batch %d: %.2f ms/step, %.0f tokens/s", d.batch(), d.msPerStep(),
                        d.tokensPerSecond()));
                if (t.batch() == 1) {
                    roofline.add(roofline(variant, dtype, model.weights(), d.msPerStep(), bandwidth));
                }
            }
            PrefillThroughput.Timing p = PrefillThroughput.measure(path, plan.prefillTokens(), SEED + 1);
            prefill.add(new BenchReport.Prefill(variant.id(), name(dtype), p.tokens(), p.seconds(), p.tokensPerSecond()));
            progress.accept(String.format("  prefill %d tokens: %.2f s, %.0f tokens/s", p.tokens(), p.seconds(),
                    p.tokensPerSecond()));
            if (dtype == plan.kvDtype()) {
                long live = KvBytes.afterEngine(path, p.sequence(), plan.kvEngineTokens(), SEED + 2);
                kv.add(kvFigure(variant, model, plan.kvEngineTokens(), live, "engine"));
                long filled = KvBytes.filledCaches(model.config(), plan.kvFilledTokens());
                kv.add(kvFigure(variant, model, plan.kvFilledTokens(), filled, "cache layout"));
                progress.accept(String.format("  KV bytes/sequence: %,d at %d tokens, %,d at %d", live,
                        plan.kvEngineTokens(), filled, plan.kvFilledTokens()));
            }
        }
    }

    private static BenchReport.Kv kvFigure(BenchVariant variant, PltModel model, int tokens, long live, String source) {
        long formula = KvBytes.formula(model.config(), tokens);
        return new BenchReport.Kv(variant.id(), tokens, live, formula, live == formula, source);
    }

    /** Weight bytes a batch-1 step streams: every pass reads every layer; the LM head is read once. */
    private static BenchReport.Roofline roofline(BenchVariant variant, EngineDtype dtype, ModelWeights weights, double ms,
            StreamBandwidth.Result bandwidth) {
        long layers = weights.layers().stream().mapToLong(LayerWeights::byteSize).sum();
        long bytes = variant.passesPerDecodeStep() * layers + weights.lmHead().byteSize() + 4L * weights.finalNorm().length;
        double rooflineMs = bytes / (bandwidth.gbPerSecond() * 1e9) * 1e3;
        return new BenchReport.Roofline(variant.id(), name(dtype), bytes, rooflineMs, ms, rooflineMs / ms);
    }

    private BenchReport.Peer peer(Map<BenchVariant, Path> f32) {
        if (!plan.peer()) {
            return new BenchReport.Peer("skipped", "--no-peer", null, List.of());
        }
        Map<String, Path> models = new HashMap<>();
        f32.forEach((variant, dir) -> models.put(variant.id(), dir));
        if (!models.keySet().containsAll(PeerBench.VARIANTS)) {
            return new BenchReport.Peer("skipped", "the peer runs on the f32 " + PeerBench.VARIANTS
                    + " models: add them to --dtypes and --variants", null, List.of());
        }
        var missing = PeerBench.missing(plan.home());
        if (missing.isPresent()) {
            progress.accept("peer: " + missing.get() + "; going on without it");
            return new BenchReport.Peer("missing", missing.get(), null, List.of());
        }
        Map<String, Map<Integer, Double>> engineDecode = new HashMap<>();
        for (BenchReport.Decode d : decode) {
            if (d.dtype().equals("f32")) {
                engineDecode.computeIfAbsent(d.variant(), v -> new HashMap<>()).put(d.batch(), d.tokensPerSecond());
            }
        }
        Map<String, Double> enginePrefill = new HashMap<>();
        prefill.stream().filter(p -> p.dtype().equals("f32"))
                .forEach(p -> enginePrefill.put(p.variant(), p.tokensPerSecond()));
        BenchReport.Peer peer = PeerBench.run(plan.home(), models, new PeerBench.Request(plan.batches(),
                plan.decodePromptTokens(), plan.prefillTokens(), plan.steps(), plan.threads()), engineDecode,
                enginePrefill, plan.output(), progress);
        if (!peer.status().equals("ok")) {
            progress.accept("peer " + peer.status() + ": " + peer.detail() + "; going on without it");
        }
        return peer;
    }

    private BenchReport.Spark spark(Map<EngineDtype, Map<BenchVariant, Path>> dirs) throws IOException {
        EngineDtype dtype = plan.dtypes().get(0);
        Map<BenchVariant, Path> byVariant = dirs.get(dtype);
        BenchVariant variant = byVariant.containsKey(BenchVariant.PLT_2) ? BenchVariant.PLT_2 : plan.variants().get(0);
        return SparkScoreBench.run(byVariant.get(variant), variant.id(), name(dtype), plan.sparkRows(),
                plan.sparkTokensPerRow(), plan.output().resolve("spark-work"), progress);
    }

    static String name(EngineDtype dtype) {
        return dtype.id();
    }

    private static List<String> names(List<EngineDtype> dtypes) {
        return dtypes.stream().map(BenchRun::name).toList();
    }
}
