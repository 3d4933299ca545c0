package dev.plt.jobs.submit;

import dev.plt.jobs.cli.PltCli;

/** spark-submit entry point of {@code plt generate}. */
public final class Generate {
    private Generate() {
    }

    public static void main(String[] args) {
        System.exit(PltCli.execute(Submit.withCommand("generate", args)));
    }
}
