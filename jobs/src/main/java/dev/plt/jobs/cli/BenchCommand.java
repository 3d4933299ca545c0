package dev.plt.jobs.cli;

import dev.plt.jobs.bench.BenchOutput;
import dev.plt.jobs.bench.BenchPlan;
import dev.plt.jobs.bench.BenchReport;
import dev.plt.jobs.bench.BenchRun;
import dev.plt.jobs.bench.CheckpointBench;
import dev.plt.jobs.bench.EngineDtype;
import dev.plt.jobs.bench.LlamaCppBench;
import dev.plt.jobs.bench.SparkCostBench;
import dev.plt.jobs.bench.SparkCostMarkdown;
import dev.plt.jobs.bench.SparkCostReport;
import dev.plt.model.bench.BenchModels;
import dev.plt.model.bench.BenchShape;
import dev.plt.model.bench.BenchVariant;
import dev.plt.model.inference.EngineOptions;
import dev.plt.model.io.gguf.GgmlType;
import dev.plt.model.weights.WeightFormat;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measures the engine on one random ~150M-parameter model in several families built from the "
                + "same weights (non-loop, vanilla loop-2/3, PLT-2/3): decode ms/step per batch size, prefill "
                + "tokens/s, KV bytes per sequence, batch-1 decode against the read-bandwidth roofline, ratios "
                + "and the issue's targets; optionally the DJL/PyTorch peer (bin/plt-peer) and the Spark job path. "
                + "--peer llama.cpp instead measures the engine against llama.cpp (see --peer).",
            "Writes bench.json, bench.html and bench.md to --output and prints the markdown tables on stdout; "
                + "progress goes to stderr. A full run takes about 10 minutes on 2 cores."})
public final class BenchCommand implements Callable<Integer> {
    @Option(names = "--quick", description = "A tiny model and few steps: checks that everything runs, measures nothing useful.")
    boolean quick;

    @Option(names = "--dtypes", split = ",", defaultValue = "f32,bf16", paramLabel = "T,...",
            description = "Weight dtypes: f32, bf16, int8 (the f32 model quantized at load, --weights int8). "
                    + "Default: ${DEFAULT-VALUE}.")
    List<String> dtypes;

    @Option(names = "--batches", split = ",", defaultValue = "1,8,32", paramLabel = "B,...",
            description = "Decode batch sizes. Default: ${DEFAULT-VALUE}.")
    List<Integer> batches;

    @Option(names = "--variants", split = ",", defaultValue = "non-loop,loop-2,loop-3,plt-2,plt-3", paramLabel = "V,...",
            description = "Model families. Default: ${DEFAULT-VALUE}.")
    List<String> variants;

    @Option(names = "--steps", paramLabel = "N", description = "Timed decode steps per batch size. Default: 12 (--quick: 3).")
    Integer steps;

    @Option(names = "--warmup-steps", paramLabel = "N", description = "Untimed decode steps first. Default: 3 (--quick: 1).")
    Integer warmupSteps;

    @Option(names = "--threads", paramLabel = "N", description = "Engine threads (and bandwidth threads). Default: available processors.")
    Integer threads;

    @Option(names = "--backend", defaultValue = "auto", paramLabel = "NAME",
            description = "Kernels: auto, vector, vector-256, vector-512, scalar. Default: ${DEFAULT-VALUE}.")
    String backend;

    @Option(names = "--output", defaultValue = "target/bench", paramLabel = "DIR",
            description = "Where bench.json, bench.html and bench.md go. Default: ${DEFAULT-VALUE}.")
    Path output;

    @Option(names = "--cache-dir", paramLabel = "DIR",
            description = "Cache of the random models, keyed by shape. Default: target/bench-models of the installation.")
    Path cacheDir;

    @Option(names = "--peer", arity = "0..1", defaultValue = "torch", fallbackValue = "torch", paramLabel = "NAME",
            description = "The peer: torch (the DJL/PyTorch bin/plt-peer, when installed and built) or llama.cpp (only "
                    + "the engine and llama.cpp on a 91M non-loop model, decode and prefill per --llama-types, in "
                    + "interleaved --rounds, one thread each unless --threads; needs scripts/build-llama-cpp.sh). "
                    + "Default: ${DEFAULT-VALUE}.")
    String peerName;

    @Option(names = "--no-peer", description = "No peer.")
    boolean noPeer;

    @Option(names = "--llama-types", split = ",", defaultValue = "f32,bf16,f16,q8_0", paramLabel = "T,...",
            description = "With --peer llama.cpp: the GGUF types llama.cpp runs (f32, f16, bf16, q8_0); the engine runs "
                    + "f32 next to f32, int8 next to q8_0 and bf16 next to the others. Default: ${DEFAULT-VALUE}.")
    List<String> llamaTypes;

    @Option(names = "--spark", description = "Also score the same rows with the bare engine and with plt score on local[1] and local[2].")
    boolean spark;

    @Option(names = "--spark-rows", paramLabel = "N", description = "Rows for --spark and --spark-cost. Default: 32 of 64 "
            + "tokens (--quick: 8 of 12).")
    Integer sparkRows;

    @Option(names = "--spark-cost", description = "Instead of the families: what the Spark path costs, on local[1] with "
            + "one engine thread, in interleaved --rounds: plt score against the bare engine on the PLT-2 model of the "
            + "first --dtypes (same rows, micro-batches and engine), and evaluate --task perplexity against plt infer "
            + "on the same windows of the embedded model (--embedded-model). Writes bench-spark.json and bench-spark.md.")
    boolean sparkCost;

    @Option(names = "--embedded-model", paramLabel = "DIR",
            description = "With --spark-cost: the small model of the evaluate/infer comparison. Default: models/default "
                    + "of the installation.")
    Path embeddedModel;

    @Option(names = "--models", split = ",", paramLabel = "DIR,...", description = "Instead of the random families: "
            + "batch-1 decode ms/token and KV bytes per sequence of these trained checkpoints, as one markdown table "
            + "(docs/RESULTS.md).")
    List<Path> models;

    @Option(names = "--rounds", defaultValue = "5", paramLabel = "N",
            description = "With --models, --peer llama.cpp or --spark-cost: rounds over all models; each figure is the median. Default: ${DEFAULT-VALUE}.")
    int rounds;

    @Override
    public Integer call() throws IOException {
        long start = System.nanoTime();
        if (models != null) {
            return benchCheckpoints(start);
        }
        if (peerName().equals("llama.cpp")) {
            return benchLlamaCpp(start);
        }
        if (sparkCost) {
            return benchSparkCost(start);
        }
        BenchReport report = new BenchRun(plan(), message -> System.err.printf(Locale.ROOT, "plt bench [%5.0f s] %s%n",
                (System.nanoTime() - start) / 1e9, message)).run();
        String markdown = BenchOutput.write(report, output);
        System.out.print(markdown);
        System.out.flush();
        System.err.println("plt bench: wrote " + output.resolve("bench.json") + " and bench.html");
        return 0;
    }

    /** torch, llama.cpp or none (--no-peer); anything else is refused naming the option. */
    String peerName() {
        if (noPeer) {
            return "none";
        }
        String name = peerName.trim().toLowerCase(Locale.ROOT);
        return switch (name) {
            case "torch", "pytorch", "djl" -> "torch";
            case "llama.cpp", "llamacpp", "llama-cpp" -> "llama.cpp";
            default -> throw new IllegalArgumentException("--peer: unknown peer '" + peerName + "' (use torch or llama.cpp)");
        };
    }

    private int benchLlamaCpp(long start) throws IOException {
        Path home = Path.of(System.getProperty("plt.home", "."));
        LlamaCppBench.Plan plan = new LlamaCppBench.Plan(quick ? BenchShape.quick() : LlamaCppBench.shape91m(),
                llamaTypes.stream().map(t -> GgmlType.parse(t, "--llama-types")).toList(),
                quick ? Math.min(rounds, 2) : rounds, orDefault(steps, quick ? 4 : 32), 16, quick ? 64 : 512,
                orDefault(threads, 1), backend, output, cacheDir != null ? cacheDir : home.resolve("target/bench-models"),
                home);
        LlamaCppBench.Report report;
        try {
            report = new LlamaCppBench(plan, message -> System.err.printf(Locale.ROOT, "plt bench [%5.0f s] %s%n",
                    (System.nanoTime() - start) / 1e9, message)).run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        String markdown = LlamaCppBench.markdown(report);
        java.nio.file.Files.writeString(output.resolve("bench-llama-cpp.md"), markdown);
        new com.fasterxml.jackson.databind.ObjectMapper().enable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                .writeValue(output.resolve("bench-llama-cpp.json").toFile(), report);
        System.out.print(markdown);
        System.out.flush();
        System.err.println("plt bench: wrote " + output.resolve("bench-llama-cpp.json") + " and bench-llama-cpp.md");
        return 0;
    }

    private int benchSparkCost(long start) throws IOException {
        if (rounds < 1) {
            throw new IllegalArgumentException("--rounds must be >= 1, got " + rounds);
        }
        Path home = Path.of(System.getProperty("plt.home", "."));
        EngineDtype dtype = EngineDtype.parse(dtypes.get(0), "--dtypes");
        if (dtype.weights() != WeightFormat.STORED) {
            throw new IllegalArgumentException("--dtypes: --spark-cost runs f32 or bf16 checkpoints as stored, got " + dtype.id());
        }
        BenchModels models = new BenchModels(cacheDir != null ? cacheDir : home.resolve("target/bench-models"),
                quick ? BenchShape.quick() : BenchShape.full(), message -> System.err.println("plt bench: " + message));
        Path embedded = embeddedModel != null ? embeddedModel : home.resolve("models/default");
        if (!java.nio.file.Files.isRegularFile(embedded.resolve("config.json"))) {
            throw new IllegalArgumentException("--embedded-model: " + embedded + " has no config.json");
        }
        List<String> task = List.of("--task", "perplexity", "--task-option", "tail_fraction=0.05");
        SparkCostBench.Plan plan = new SparkCostBench.Plan(models.variantDir(dtype.checkpoint(), BenchVariant.PLT_2),
                BenchVariant.PLT_2.id(), dtype.id(), orDefault(sparkRows, quick ? 8 : 32),
                quick ? 12 : 64, 16, embedded, task,
                quick ? 2 : 10, 256, quick ? Math.min(rounds, 2) : rounds, output.resolve("spark-cost-work"),
                new SparkCostBench.Commands(InferCommand::new, EvaluateCommand::new, () -> picocli.CommandLine
                        .populateCommand(new TaskSelection(), task.toArray(String[]::new)).createTask()));
        SparkCostReport report = new SparkCostBench(plan, message -> System.err.printf(Locale.ROOT,
                "plt bench [%5.0f s] %s%n", (System.nanoTime() - start) / 1e9, message)).run();
        String markdown = SparkCostMarkdown.render(report);
        java.nio.file.Files.createDirectories(output);
        java.nio.file.Files.writeString(output.resolve("bench-spark.md"), markdown);
        BenchOutput.JSON.writeValue(output.resolve("bench-spark.json").toFile(), report);
        System.out.print(markdown);
        System.out.flush();
        System.err.println("plt bench: wrote " + output.resolve("bench-spark.json") + " and bench-spark.md");
        return 0;
    }

    private int benchCheckpoints(long start) {
        if (rounds < 1) {
            throw new IllegalArgumentException("--rounds must be >= 1, got " + rounds);
        }
        for (Path model : models) {
            if (!java.nio.file.Files.isRegularFile(model.resolve("config.json"))) {
                throw new IllegalArgumentException("--models: " + model + " has no config.json");
            }
        }
        EngineOptions options = EngineOptions.defaults()
                .withThreads(orDefault(threads, Runtime.getRuntime().availableProcessors())).withBackend(backend);
        int kvTokens = 1024;
        List<CheckpointBench.Row> rows = CheckpointBench.run(models, options, 16, orDefault(warmupSteps, 3),
                orDefault(steps, quick ? 3 : 12), rounds, kvTokens, message -> System.err.printf(Locale.ROOT,
                        "plt bench [%5.0f s] %s%n", (System.nanoTime() - start) / 1e9, message));
        System.out.print(CheckpointBench.markdown(rows, kvTokens));
        return 0;
    }

    BenchPlan plan() {
        Path home = Path.of(System.getProperty("plt.home", "."));
        List<EngineDtype> types = dtypes.stream().map(t -> EngineDtype.parse(t, "--dtypes")).toList();
        List<BenchVariant> chosen = variants.stream().map(BenchVariant::parse).toList();
        return new BenchPlan(quick ? BenchShape.quick() : BenchShape.full(), types, List.copyOf(batches), chosen,
                orDefault(steps, quick ? 3 : 12), orDefault(warmupSteps, quick ? 1 : 3), quick ? 8 : 16,
                quick ? 64 : 512, 1024, 4096, quick ? 64L << 20 : 1L << 30,
                orDefault(threads, Runtime.getRuntime().availableProcessors()), backend, quick,
                peerName().equals("torch"), spark,
                orDefault(sparkRows, quick ? 8 : 32), quick ? 12 : 64, output,
                cacheDir != null ? cacheDir : home.resolve("target/bench-models"), home);
    }

    private static int orDefault(Integer value, int fallback) {
        return value != null ? value : fallback;
    }

}
