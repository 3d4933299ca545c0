package dev.plt.trainer;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code bin/plt-train --conf FILE [--set KEY=VALUE ...]}: runs one training run and exports the model;
 * {@code --set} replaces one conf value ({@link TrainConfig#read(Path, Map)}).
 */
public final class TrainCli {
    private TrainCli() {
    }

    public static void main(String[] args) {
        Path conf = null;
        Map<String, String> overrides = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--conf") && i + 1 < args.length) {
                conf = Path.of(args[++i]);
            } else if (args[i].equals("--set") && i + 1 < args.length) {
                String setting = args[++i];
                int eq = setting.indexOf('=');
                if (eq <= 0) {
                    System.err.println("plt-train: --set wants KEY=VALUE (e.g. training.seed=2), got '" + setting + "'");
                    System.exit(2);
                }
                overrides.put(setting.substring(0, eq), setting.substring(eq + 1));
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
            config = TrainConfig.read(conf, overrides);
        } catch (RuntimeException e) {
            System.err.println("plt-train: " + e.getMessage());
            System.exit(2);
            return;
        }
        new Trainer(config).run();
    }

    private static void usage(int code) {
        System.err.println("usage: bin/plt-train --conf FILE.yaml [--set section.key=value ...]"
                + "   (see trainer/conf/ for examples)");
        System.exit(code);
    }
}
