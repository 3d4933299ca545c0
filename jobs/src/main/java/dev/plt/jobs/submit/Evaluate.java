package dev.plt.jobs.submit;

import dev.plt.jobs.cli.PltCli;

/** spark-submit entry point of {@code plt evaluate}. */
public final class Evaluate {
    private Evaluate() {
    }

    public static void main(String[] args) {
        System.exit(PltCli.execute(Submit.withCommand("evaluate", args)));
    }
}
