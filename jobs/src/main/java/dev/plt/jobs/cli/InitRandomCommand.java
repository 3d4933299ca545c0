package dev.plt.jobs.cli;

import dev.plt.model.io.DType;
import dev.plt.model.checkpoint.RandomCheckpoint;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "init-random", mixinStandardHelpOptions = true,
        description = "Writes a model directory with seeded random weights (for demos, tests and benchmarks).")
public final class InitRandomCommand implements Callable<Integer> {
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory to write.")
    Path out;

    @Option(names = "--loops", defaultValue = "2", description = "plt_num_loops. Default: ${DEFAULT-VALUE}.")
    int loops;

    @Option(names = "--mode", defaultValue = "parallel", description = "parallel (PLT) or serial (vanilla loop).")
    String mode;

    @Option(names = "--kv-share", defaultValue = "true", arity = "1", description = "plt_kv_share.")
    boolean kvShare;

    @Option(names = "--gswa", defaultValue = "true", arity = "1", description = "plt_gswa.")
    boolean gswa;

    @Option(names = "--window", defaultValue = "64", description = "w of plt_window_size [w, 0].")
    int window;

    @Option(names = "--hidden", defaultValue = "256") int hidden;
    @Option(names = "--intermediate", defaultValue = "688") int intermediate;
    @Option(names = "--layers", defaultValue = "4") int layers;
    @Option(names = "--heads", defaultValue = "8") int heads;
    @Option(names = "--kv-heads", defaultValue = "4") int kvHeads;
    @Option(names = "--vocab", defaultValue = "512") int vocab;

    @Option(names = "--dtype", defaultValue = "F32", description = "F32, BF16 or F16.")
    DType dtype;

    @Option(names = "--seed", defaultValue = "1") long seed;

    @Override
    public Integer call() {
        if (!mode.equals("parallel") && !mode.equals("serial")) {
            throw new IllegalArgumentException("--mode must be 'parallel' or 'serial', got '" + mode + "'");
        }
        if (hidden % heads != 0) {
            throw new IllegalArgumentException("--hidden (" + hidden + ") must be divisible by --heads (" + heads + ")");
        }
        RandomCheckpoint.Spec spec = RandomCheckpoint.Spec.small()
                .withShape(hidden, intermediate, layers, heads, kvHeads, hidden / heads, vocab)
                .withLoops(loops, mode)
                .withSharing(kvShare, gswa, false, window)
                .withFormat(false, false, dtype, seed, 1);
        RandomCheckpoint.write(out, spec);
        System.err.println("plt init-random: wrote " + out);
        return 0;
    }
}
