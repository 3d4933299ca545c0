package dev.plt.jobs.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The report's figures as tables of text, drawn once and rendered twice: as markdown on stdout (to
 * paste into docs/BENCHMARKS.md) and as HTML in bench.html.
 */
final class BenchTables {
    record Table(String title, List<String> header, List<List<String>> rows) {
    }

    private BenchTables() {
    }

    static List<Table> of(BenchReport report) {
        List<Table> tables = new ArrayList<>();
        tables.add(decode(report));
        if (!report.ratios().isEmpty()) {
            tables.add(ratios(report));
        }
        if (!report.kv().isEmpty()) {
            tables.add(kv(report));
        }
        if (!report.peer().figures().isEmpty()) {
            tables.add(peer(report));
        }
        if (report.spark() != null) {
            tables.add(spark(report.spark()));
        }
        tables.add(targets(report));
        return tables;
    }

    /** One line saying what was measured, where and how. */
    static String summary(BenchReport r) {
        BenchReport.Machine m = r.machine();
        return String.format(Locale.ROOT, "%s model %s (%s parameters), %d engine thread(s), kernels %s, Java %s, "
                + "%s (%d CPUs); read bandwidth %.1f GB/s (%s); %s; run of %.0f s started %s",
                r.settings().quick() ? "quick (NOT representative):" : "random-weight", r.model().key(),
                millions(r.model().parameters()), m.threads(), m.kernelBackend(), m.javaVersion(), m.cpuModel(),
                m.cpus(), r.bandwidth().gbPerSecond(), r.bandwidth().method(), peerLine(r.peer()), r.seconds(),
                r.startedAt());
    }

    static String peerLine(BenchReport.Peer peer) {
        return "peer " + peer.status() + (peer.engine() != null ? " (" + peer.engine() + ")" : "")
                + (peer.status().equals("ok") ? "" : ": " + peer.detail());
    }

    private static Table decode(BenchReport r) {
        List<Integer> batches = r.settings().batches();
        List<String> header = new ArrayList<>(List.of("variant", "dtype"));
        batches.forEach(b -> header.add("decode ms/step b=" + b));
        int largest = batches.get(batches.size() - 1);
        header.add("tokens/s b=" + largest);
        header.add("prefill tokens/s (" + r.settings().prefillTokens() + ")");
        header.add("b=1 share of roofline");
        List<List<String>> rows = new ArrayList<>();
        for (String dtype : r.settings().dtypes()) {
            for (String variant : r.settings().variants()) {
                List<String> row = new ArrayList<>(List.of(variant, dtype));
                for (int b : batches) {
                    row.add(Ratios.decode(r.decode(), variant, dtype, b).map(d -> ms(d.msPerStep())).orElse("-"));
                }
                row.add(Ratios.decode(r.decode(), variant, dtype, largest).map(d -> count(d.tokensPerSecond())).orElse("-"));
                row.add(r.prefill().stream().filter(p -> p.variant().equals(variant) && p.dtype().equals(dtype))
                        .findFirst().map(p -> count(p.tokensPerSecond())).orElse("-"));
                row.add(r.roofline().stream().filter(x -> x.variant().equals(variant) && x.dtype().equals(dtype))
                        .findFirst().map(x -> percent(x.fraction())).orElse("-"));
                rows.add(row);
            }
        }
        return new Table("Decode, prefill, roofline", header, rows);
    }

    private static Table ratios(BenchReport r) {
        List<String> header = new ArrayList<>(List.of("decode ms/step ratio", "dtype"));
        r.settings().batches().forEach(b -> header.add("b=" + b));
        List<List<String>> rows = new ArrayList<>();
        for (String[] pair : Ratios.PAIRS) {
            String name = pair[0] + "/" + pair[1];
            for (String dtype : r.settings().dtypes()) {
                List<String> row = new ArrayList<>(List.of(name, dtype));
                boolean any = false;
                for (int b : r.settings().batches()) {
                    Optional<BenchReport.Ratio> ratio = Ratios.ratio(r.ratios(), name, dtype, b);
                    any |= ratio.isPresent();
                    row.add(ratio.map(x -> ratio(x.ratio())).orElse("-"));
                }
                if (any) {
                    rows.add(row);
                }
            }
        }
        return new Table("Decode ratios (same run)", header, rows);
    }

    private static Table kv(BenchReport r) {
        List<Integer> lengths = r.kv().stream().map(BenchReport.Kv::tokens).distinct().toList();
        List<String> header = new ArrayList<>(List.of("KV bytes per sequence"));
        for (int n : lengths) {
            String source = r.kv().stream().filter(k -> k.tokens() == n).findFirst().orElseThrow().source();
            header.add(n + " tokens, live (" + source + ")");
            header.add(n + " tokens, spec formula");
        }
        header.add("equal");
        List<List<String>> rows = new ArrayList<>();
        for (String variant : r.settings().variants()) {
            List<String> row = new ArrayList<>(List.of(variant));
            boolean equal = true;
            for (int n : lengths) {
                Optional<BenchReport.Kv> k = r.kv().stream().filter(x -> x.variant().equals(variant) && x.tokens() == n)
                        .findFirst();
                row.add(k.map(x -> count(x.liveBytes())).orElse("-"));
                row.add(k.map(x -> count(x.formulaBytes())).orElse("-"));
                equal &= k.map(BenchReport.Kv::equal).orElse(false);
            }
            row.add(equal ? "yes" : "NO");
            rows.add(row);
        }
        return new Table("KV cache (f32 K/V, whatever the weights' dtype)", header, rows);
    }

    private static Table peer(BenchReport r) {
        List<String> header = List.of("variant (f32)", "batch", "peer ms/step", "peer tokens/s", "engine tokens/s",
                "engine/peer decode", "peer prefill tokens/s", "engine prefill tokens/s", "engine/peer prefill");
        List<List<String>> rows = new ArrayList<>();
        for (BenchReport.PeerFigure f : r.peer().figures()) {
            rows.add(List.of(f.variant(), String.valueOf(f.batch()), ms(f.peerDecodeMsPerToken()),
                    count(f.peerDecodeTokensPerSecond()), count(f.engineDecodeTokensPerSecond()), ratio(f.decodeSpeedup()),
                    f.peerPrefillTokensPerSecond() == null ? "-" : count(f.peerPrefillTokensPerSecond()),
                    f.enginePrefillTokensPerSecond() == null ? "-" : count(f.enginePrefillTokensPerSecond()),
                    f.prefillSpeedup() == null ? "-" : ratio(f.prefillSpeedup())));
        }
        return new Table("Engine vs the DJL/PyTorch peer (" + r.peer().engine() + ")", header, rows);
    }

    private static Table spark(BenchReport.Spark s) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("bare engine (1 thread): load", seconds(s.bareLoadSeconds()), "-"));
        rows.add(List.of("bare engine (1 thread): score", seconds(s.bareScoreSeconds()), count1(s.bareRowsPerSecond())));
        rows.add(List.of("first job of the JVM (untimed warm-up, 2 rows, local[1])", seconds(s.coldStartSeconds()), "-"));
        for (BenchReport.SparkJob job : s.jobs()) {
            rows.add(List.of("plt score on " + job.master() + " (whole job)", seconds(job.seconds()),
                    count1(job.rowsPerSecond())));
        }
        rows.add(List.of("job overhead: local[1] / bare (load + score)", ratio(s.jobOverhead()) + "x", "-"));
        rows.add(List.of("throughput local[2] / local[1]", ratio(s.local2OverLocal1()) + "x", "-"));
        rows.add(List.of("job results == bare engine, bit for bit", s.resultsIdentical() ? "yes" : "NO", "-"));
        return new Table("Spark: " + s.rows() + " rows x " + s.tokensPerRow() + " tokens, " + s.variant() + " "
                + s.dtype(), List.of("what", "seconds", "rows/s"), rows);
    }

    private static Table targets(BenchReport r) {
        List<List<String>> rows = new ArrayList<>();
        for (BenchReport.Target t : r.targets()) {
            String measured = t.measured() == null ? "not measured" : ratio(t.measured());
            String met = t.met() == null ? "-" : t.met() ? "met" : "NOT met";
            rows.add(List.of(t.name(), measured, t.comparison() + " " + ratio(t.threshold()), met,
                    t.note() == null ? "" : t.note()));
        }
        return new Table("Targets", List.of("target", "measured", "target", "result", "note"), rows);
    }

    static String ms(double v) {
        return String.format(Locale.ROOT, v < 10 ? "%.3f" : "%.1f", v);
    }

    static String ratio(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }

    static String percent(double v) {
        return String.format(Locale.ROOT, "%.0f%%", 100 * v);
    }

    static String count(double v) {
        return String.format(Locale.ROOT, "%,.0f", v);
    }

    private static String count1(double v) {
        return String.format(Locale.ROOT, "%,.1f", v);
    }

    private static String seconds(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static String millions(long v) {
        return String.format(Locale.ROOT, "%.1fM", v / 1e6);
    }
}
