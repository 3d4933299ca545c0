package dev.plt.jobs.submit;

import dev.plt.jobs.cli.PltCli;

/** spark-submit entry point of {@code plt score}: {@code spark-submit --class dev.plt.jobs.submit.Score JAR ARGS}. */
public final class Score {
    private Score() {
    }

    public static void main(String[] args) {
        System.exit(PltCli.execute(Submit.withCommand("score", args)));
    }
}
