package dev.plt.model.cuda;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.plt.model.config.ConfigLoader;
import dev.plt.model.config.ModelConfig;
import dev.plt.model.engine.FastPath;
import dev.plt.model.engine.ForwardPath;
import dev.plt.model.kernels.pool.EnginePool;
import dev.plt.model.kernels.KernelBackends;
import dev.plt.model.checkpoint.RandomCheckpoint;
import dev.plt.model.weights.ModelWeights;
import dev.plt.model.weights.WeightLoader;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The device check of the CUDA backend, for scripts/gpu-check.sh on a GPU machine:
 * <pre>
 * java ... dev.plt.model.cuda.GpuCheck [availability|parity|latency|all] [--out DIR]
 *      [--cases REGEX] [--shape 1b|tiny] [--batches 1,32,128] [--prompt 128] [--warmup 4] [--steps 32]
 * </pre>
 * {@code --cases} keeps the parity cases whose name matches; {@code --shape tiny} times a tiny model instead
 * of the 1.1B one (for trying the program out, e.g. on the emulated driver of FakeDriverTest).
 * availability: first proves the Java side of a carried bundle works (writes a small random checkpoint,
 * loads it, runs the CPU engine on it), then prints whether the backend can run here and why not.
 * parity: the CUDA path against the CPU engine over the family grid (GpuParityCheck). latency: decode
 * latency on a ~1.1B model (DecodeLatencyBenchmark). Tables go to stdout and to DIR (parity.txt,
 * latency.txt, latency.csv); checkpoints go to a temporary directory that is deleted.
 * Exit code: 0 all done and passed, 1 a parity case failed, 2 the backend is unavailable or bad usage.
 */
public final class GpuCheck {
    private GpuCheck() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out));
    }

    static int run(String[] args, PrintStream console) {
        String mode = "all";
        Path out = Path.of("gpu-results");
        int[] batches = {1, 32, 128};
        int prompt = 128;
        int warmup = 4;
        int steps = 32;
        String cases = ".*";
        String shape = "1b";
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--out" -> out = Path.of(args[++i]);
                    case "--batches" ->
                        batches = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
                    case "--prompt" -> prompt = Integer.parseInt(args[++i]);
                    case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                    case "--steps" -> steps = Integer.parseInt(args[++i]);
                    case "--cases" -> cases = args[++i];
                    case "--shape" -> {
                        shape = args[++i];
                        if (!shape.equals("1b") && !shape.equals("tiny")) {
                            throw new IllegalArgumentException("--shape is 1b or tiny, got '" + shape + "'");
                        }
                    }
                    case "availability", "parity", "latency", "all" -> mode = args[i];
                    default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
                }
            }
        } catch (RuntimeException e) {
            console.println("gpu-check: " + e.getMessage() + "; usage: GpuCheck [availability|parity|latency|all] "
                    + "[--out DIR] [--cases REGEX] [--shape 1b|tiny] [--batches 1,32,128] [--prompt N] [--warmup N] "
                    + "[--steps N]");
            return 2;
        }
        console.println(cpuSmoke());
        CudaAvailability availability = CudaBackend.availability();
        console.println(availability);
        if (!availability.available()) {
            return 2;
        }
        if (mode.equals("availability")) {
            return 0;
        }
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        boolean passed = true;
        if (mode.equals("parity") || mode.equals("all")) {
            try (PrintStream table = tee(console, out.resolve("parity.txt"))) {
                table.println("CUDA path vs CPU fast path, " + availability.device() + ", tolerance "
                        + GpuParityCheck.TOLERANCE + " of each row's logit spread");
                Path work = Files.createTempDirectory("plt-gpu-parity");
                try {
                    List<GpuParityCheck.Result> results = GpuParityCheck.run(work, cases, table);
                    passed = results.stream().allMatch(GpuParityCheck.Result::pass);
                    table.println(passed ? "parity: all cases PASS" : "parity: FAILURES above");
                } finally {
                    deleteTree(work);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (mode.equals("latency") || mode.equals("all")) {
            try (PrintStream table = tee(console, out.resolve("latency.txt"))) {
                table.println("CUDA decode latency, " + availability.device() + ", prompt " + prompt + ", " + steps
                        + " timed steps after " + warmup);
                List<DecodeLatencyBenchmark.Row> rows =
                        DecodeLatencyBenchmark.run(shape.equals("tiny"), batches, prompt, warmup, steps, table);
                StringBuilder csv =
                        new StringBuilder("family,batch,median_ms,p90_ms,tokens_per_s,kv_bytes_per_seq,prefill_ms\n");
                for (DecodeLatencyBenchmark.Row r : rows) {
                    csv.append(String.format("%s,%d,%.4f,%.4f,%.1f,%d,%.1f%n", r.family(), r.batch(), r.medianMs(),
                            r.p90Ms(), r.tokensPerSecond(), r.kvBytesPerSequence(), r.prefillMs()));
                }
                Files.writeString(out.resolve("latency.csv"), csv);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return passed ? 0 : 1;
    }

    /** The CPU engine on a small random checkpoint: shows the runtime and jars of a bundle are complete. */
    static String cpuSmoke() {
        try {
            Path dir = Files.createTempDirectory("plt-gpu-smoke");
            try {
                Path model = RandomCheckpoint.write(dir, RandomCheckpoint.Spec.small());
                ModelConfig config = ConfigLoader.load(model);
                ModelWeights weights = WeightLoader.load(model, config, false);
                try (EnginePool pool = new EnginePool(1)) {
                    FastPath cpu = new FastPath(config, weights, KernelBackends.select("auto", pool), pool, 4);
                    ForwardPath.Sequence seq = cpu.start();
                    float[] first = new float[1];
                    cpu.append(List.of(seq), List.of(new int[] {1, 2, 3}), false, (s, p, l, off) -> first[0] = l[off]);
                    return "CPU engine OK (" + config.familyName() + ", " + seq.length() + " tokens, first logit "
                            + first[0] + ")";
                }
            } finally {
                deleteTree(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** A stream writing to the console and to a file. */
    private static PrintStream tee(PrintStream console, Path file) {
        try {
            OutputStream fileOut = new FileOutputStream(file.toFile());
            return new PrintStream(new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    console.write(b);
                    fileOut.write(b);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    console.write(b, off, len);
                    fileOut.write(b, off, len);
                }

                @Override
                public void close() throws IOException {
                    console.flush();
                    fileOut.close();
                }
            }, true, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
