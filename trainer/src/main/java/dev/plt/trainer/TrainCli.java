package dev.plt.trainer;

import java.nio.file.Path;

/** {@code bin/plt-train --conf FILE}: runs one training run and exports the model. */
public final class TrainCli {
    private TrainCli() {
    }

    public static void main(String[] args) {
        Path conf = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--conf") && i + 1 < args.length) {
                conf = Path.of(args[++i]);
            } else if (args[i].equals("--help") || args[i].equals("-h")) {
                usage(0);
            } else {
                System.err.println("plt-train: unknown argument '" + args[i] + "'");
                usage(2);
            }
        }
        if (conf == null) {
            usage(2);
        }
        TrainConfig config;
        try {
            config = TrainConfig.read(conf);
        } catch (RuntimeException e) {
            System.err.println("plt-train: " + e.getMessage());
            System.exit(2);
            return;
        }
        new Trainer(config).run();
    }

    private static void usage(int code) {
        System.err.println("usage: bin/plt-train --conf FILE.yaml   (see trainer/conf/ for examples)");
        System.exit(code);
    }
}
