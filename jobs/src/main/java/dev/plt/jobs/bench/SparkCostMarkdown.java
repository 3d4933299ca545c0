package dev.plt.jobs.bench;

import java.util.Locale;

/** bench-spark.md: the figures of {@link SparkCostReport} as the tables docs/BENCHMARKS.md quotes. */
public final class SparkCostMarkdown {
    private SparkCostMarkdown() {
    }

    public static String render(SparkCostReport r) {
        StringBuilder md = new StringBuilder();
        SparkCostReport.Score s = r.score();
        SparkCostReport.Evaluate e = r.evaluate();
        line(md, "## What the Spark path costs (%s, %s, %d engine thread, median of %d interleaved rounds, "
                + "load average %.1f -> %.1f)", r.startedAt(), r.master(), r.engineThreads(), r.rounds(),
                r.loadAverage()[0], r.loadAverage()[1]);
        line(md, "");
        line(md, "Fixed costs: Spark session start %s; first score job of the JVM %s; model load (%s) %s.",
                t(r.sessionStart()), t(s.firstJob()), s.variant() + " " + s.dtype(), t(s.modelLoad()));
        line(md, "");
        line(md, "(a) `plt score` vs the bare engine: %s %s (%.1fM parameters), %d rows x %d tokens, micro-batches "
                + "of %d rows (%d partitions):", s.variant(), s.dtype(), s.parameters() / 1e6, s.rows(),
                s.tokensPerRow(), s.batchSize(), s.partitions());
        line(md, "");
        line(md, "| what | wall s | CPU s |");
        line(md, "|---|---:|---:|");
        line(md, "| bare engine, model loaded | %.2f | %.2f |", s.bare().wallSeconds(), s.bare().cpuSeconds());
        line(md, "| score job, session running, model in the registry | %.2f | %.2f |", s.job().wallSeconds(),
                s.job().cpuSeconds());
        line(md, "| the same on one row: engine / job | %.2f / %.2f | %.2f / %.2f |", s.oneRowBare().wallSeconds(),
                s.oneRowJob().wallSeconds(), s.oneRowBare().cpuSeconds(), s.oneRowJob().cpuSeconds());
        line(md, "| a job's fixed cost (one-row job - one-row engine) | %.2f | %.2f |", s.jobFixed().wallSeconds(),
                s.jobFixed().cpuSeconds());
        line(md, "| job overhead (job / engine - 1) | %s | %s |", pct(s.jobOverhead()), pct(s.jobCpuOverhead()));
        line(md, "| per-row overhead ((job - fixed cost) / engine - 1) | %s | %s |", pct(s.perRowOverhead()),
                pct(s.perRowCpuOverhead()));
        line(md, "| whole job: (session start + load + job) / (load + engine) - 1 | %s | - |", pct(s.wholeJobOverhead()));
        line(md, "");
        line(md, "Results identical to the bare engine's, bit for bit: %s; model loads by the registry during the "
                + "rounds: %d.", s.resultsIdentical() ? "yes" : "NO", s.modelLoadsInRounds());
        line(md, "");
        line(md, "(b) `evaluate %s --limit %d --max-length %d` vs `plt infer` on the same %d windows of %d documents "
                + "(%,d tokens), %s, batch size %d:", String.join(" ", e.taskArgs()), e.limit(), e.maxLength(),
                e.windows(), e.documents(), e.tokens(), e.model(), e.batchSize());
        line(md, "");
        line(md, "| what | wall s | CPU s | tokens/s |");
        line(md, "|---|---:|---:|---:|");
        line(md, "| plt infer (whole command) | %.2f | %.2f | %.0f |", e.infer().wallSeconds(), e.infer().cpuSeconds(),
                e.inferTokensPerSecond());
        line(md, "| evaluate (whole command, session running) | %.2f | %.2f | %.0f |", e.evaluate().wallSeconds(),
                e.evaluate().cpuSeconds(), e.evaluateTokensPerSecond());
        line(md, "| evaluate / infer tokens/s | %.2f | | |", e.ratio());
        line(md, "| the same with the session start counted | %.2f | | |", e.ratioWithSessionStart());
        line(md, "");
        line(md, "bits per byte: evaluate %.6f, from infer's log-probs %.6f.", e.evaluateBitsPerByte(),
                e.inferBitsPerByte());
        return md.toString();
    }

    private static String t(Timed t) {
        return String.format(Locale.ROOT, "%.2f s (%.2f CPU s)", t.wallSeconds(), t.cpuSeconds());
    }

    private static String pct(double fraction) {
        return String.format(Locale.ROOT, "%+.1f%%", 100 * fraction);
    }

    private static void line(StringBuilder md, String format, Object... args) {
        md.append(String.format(Locale.ROOT, format, args)).append('\n');
    }
}
