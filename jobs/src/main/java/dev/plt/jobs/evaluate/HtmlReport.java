package dev.plt.jobs.evaluate;

import dev.plt.datasets.tasks.metrics.MetricResult;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code report.html}: a self-contained page (no scripts, no network) with the metrics, a bar chart of
 * the first metric per subject, error counts, throughput, and the first samples. Every piece of
 * dataset or model text goes through {@link #escape}, so a row holding {@code <script>} stays text.
 */
public final class HtmlReport {
    private static final int SAMPLES_SHOWN = 50;

    private HtmlReport() {
    }

    public static byte[] bytes(EvaluationResult result) {
        // getBytes, not writeString: a lone surrogate in dataset text (a JSON escape) becomes '?' in the
        // report instead of failing the whole evaluation after its work is done.
        return render(result).getBytes(StandardCharsets.UTF_8);
    }

    static String render(EvaluationResult r) {
        StringBuilder html = new StringBuilder();
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
                .append(escape(r.task())).append(" - ").append(escape(r.modelId())).append("</title>\n<style>")
                .append("body{font-family:sans-serif;margin:2em;max-width:70em}table{border-collapse:collapse}")
                .append("td,th{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}")
                .append(".num{text-align:right}.err{color:#a00}pre{white-space:pre-wrap;margin:0}")
                .append("</style></head><body>\n");
        html.append("<h1>").append(escape(r.task())).append(" on ").append(escape(r.modelId())).append("</h1>\n");

        html.append("<h2>Metrics</h2>\n<table><tr><th>metric</th><th>value</th><th>stderr</th><th>n</th></tr>\n");
        r.metrics().metrics().forEach((name, m) -> html.append(metricRow(name, m)));
        html.append("</table>\n<p>").append(r.metrics().samples()).append(" samples scored, ").append(r.errors())
                .append(" errors.</p>\n");

        if (!r.metrics().bySubject().isEmpty()) {
            String metric = r.metrics().metrics().keySet().iterator().next();
            html.append("<h2>").append(escape(metric)).append(" per subject</h2>\n")
                    .append(barChart(r.metrics().bySubject(), metric));
        }

        html.append("<h2>Errors</h2>\n");
        Map<String, Integer> errors = new TreeMap<>();
        r.samples().stream().filter(s -> s.error() != null)
                .forEach(s -> errors.merge(shorten(s.error(), 100), 1, Integer::sum));
        if (errors.isEmpty()) {
            html.append("<p>None.</p>\n");
        } else {
            html.append("<table><tr><th>error</th><th>samples</th></tr>\n");
            errors.forEach((e, n) -> html.append("<tr><td class=\"err\">").append(escape(e))
                    .append("</td><td class=\"num\">").append(n).append("</td></tr>\n"));
            html.append("</table>\n");
        }

        html.append("<h2>Throughput</h2>\n<table>")
                .append(String.format("<tr><td>wall time</td><td class=\"num\">%.1f s</td></tr>", r.seconds()))
                .append(String.format("<tr><td>samples / s</td><td class=\"num\">%.2f</td></tr>", r.samplesPerSecond()))
                .append(String.format("<tr><td>tokens / s</td><td class=\"num\">%.0f</td></tr>", r.tokensPerSecond()))
                .append("</table>\n");

        html.append("<h2>First ").append(Math.min(SAMPLES_SHOWN, r.samples().size())).append(" samples</h2>\n")
                .append("<table><tr><th>id</th><th>prompt (end)</th><th>prediction</th><th>target</th>")
                .append("<th>correct</th><th>error</th></tr>\n");
        for (SampleOutcome s : r.samples().subList(0, Math.min(SAMPLES_SHOWN, r.samples().size()))) {
            String prompt = SamplesTable.promptOf(s);
            String tail = prompt.length() > 300 ? "..." + prompt.substring(prompt.length() - 300) : prompt;
            Boolean correct = SamplesTable.correct(s);
            html.append("<tr><td>").append(escape(s.sample().id())).append("</td><td><pre>").append(escape(tail))
                    .append("</pre></td><td>").append(escape(s.score() == null ? "" : s.score().prediction()))
                    .append("</td><td>").append(escape(s.sample().target())).append("</td><td>")
                    .append(correct == null ? "" : correct ? "yes" : "no").append("</td><td class=\"err\">")
                    .append(escape(s.error())).append("</td></tr>\n");
        }
        html.append("</table>\n</body></html>\n");
        return html.toString();
    }

    private static String metricRow(String name, MetricResult m) {
        String stderr = Double.isFinite(m.stderr()) ? String.format("%.4f", m.stderr()) : "-";
        return String.format("<tr><td>%s</td><td class=\"num\">%.4f</td><td class=\"num\">%s</td>"
                + "<td class=\"num\">%d</td></tr>%n", escape(name), m.value(), stderr, m.count());
    }

    /** Horizontal bars, one per subject, as inline SVG (values in [0, 1]). */
    private static String barChart(Map<String, Map<String, MetricResult>> bySubject, String metric) {
        List<Map.Entry<String, Double>> bars = new ArrayList<>();
        bySubject.forEach((subject, metrics) -> {
            MetricResult m = metrics.get(metric);
            if (m != null) {
                bars.add(Map.entry(subject, m.value()));
            }
        });
        bars.sort(Map.Entry.<String, Double>comparingByValue().reversed());
        int rowHeight = 16;
        int labelWidth = 300;
        int barWidth = 400;
        StringBuilder svg = new StringBuilder(String.format(
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-size=\"11\">%n",
                labelWidth + barWidth + 60, rowHeight * bars.size() + 4));
        for (int i = 0; i < bars.size(); i++) {
            double value = Math.max(0, Math.min(1, bars.get(i).getValue()));
            int y = i * rowHeight + 2;
            svg.append(String.format("<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>", labelWidth - 4,
                    y + 11, escape(bars.get(i).getKey())))
                    .append(String.format("<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"#4a7ab7\"/>",
                            labelWidth, y, value * barWidth, rowHeight - 3))
                    .append(String.format("<text x=\"%.1f\" y=\"%d\">%.3f</text>%n",
                            labelWidth + value * barWidth + 4, y + 11, bars.get(i).getValue()));
        }
        return svg.append("</svg>\n").toString();
    }

    /** HTML-escapes text (null becomes empty). Also used by the bench page. */
    public static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    private static String shorten(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "...";
    }
}
