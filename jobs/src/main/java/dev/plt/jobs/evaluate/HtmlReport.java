package dev.plt.jobs.evaluate;

import dev.plt.datasets.tasks.GenerateUntilRequest;
import dev.plt.datasets.tasks.LoglikelihoodRollingRequest;
import dev.plt.datasets.tasks.metrics.MetricResult;
import dev.plt.datasets.tasks.metrics.MetricValue;
import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code report.html}: a self-contained page (no scripts, no network): the run's settings and provenance,
 * the metrics, bars per subject (or per metric) with error bars and a chance line, for multiple choice
 * how often each letter was picked against how often it is gold, for generation tasks the generations
 * with their extracted answers, for perplexity each document's perplexities, error counts, throughput,
 * and the first samples. Every piece of
 * dataset or model text goes through {@link #escape}, so a row holding {@code <script>} stays text.
 */
public final class HtmlReport {
    private static final int SAMPLES_SHOWN = 50;
    private static final int GENERATIONS_SHOWN = 20;

    private HtmlReport() {
    }

    /**
     * The report with the run's settings and provenance at the top (model directory and fingerprint, task,
     * shots, limit, date, plt version and git commit); {@code run} may be null (then only what the result
     * knows is shown).
     */
    public static byte[] bytes(EvaluationResult result, LmEvalRun run) {
        // getBytes, not writeString: a lone surrogate in dataset text (a JSON escape) becomes '?' in the
        // report instead of failing the whole evaluation after its work is done.
        return render(result, run).getBytes(StandardCharsets.UTF_8);
    }

    static String render(EvaluationResult r) {
        return render(r, null);
    }

    static String render(EvaluationResult r, LmEvalRun run) {
        StringBuilder html = new StringBuilder();
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
                .append(escape(r.task())).append(" - ").append(escape(r.modelId())).append("</title>\n<style>")
                .append("body{font-family:sans-serif;margin:2em;max-width:70em;color:#222}")
                .append("table{border-collapse:collapse;margin-bottom:.5em}")
                .append("td,th{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}")
                .append("th{background:#f3f3f3}.num{text-align:right;font-variant-numeric:tabular-nums}")
                .append(".err{color:#a00}.warn{color:#a00;font-weight:bold}.note{color:#555;font-size:90%}")
                .append("pre{white-space:pre-wrap;margin:0;max-width:40em}code{font-size:90%}")
                .append(".bar{display:inline-block;height:.8em;vertical-align:middle}")
                .append("</style></head><body>\n");
        html.append("<h1>").append(escape(r.task())).append(" on ").append(escape(r.modelId())).append("</h1>\n");
        provenance(html, r, run);

        html.append("<h2>Metrics</h2>\n<table id=\"metrics\"><tr><th>metric</th><th>value</th><th>stderr</th>")
                .append("<th>n</th></tr>\n");
        r.metrics().metrics().forEach((name, m) -> html.append(metricRow(name, m)));
        r.metrics().sampleMean().forEach((name, m) -> html.append(metricRow(name + " (plain mean over samples)", m)));
        html.append("</table>\n");
        if (!r.metrics().sampleMean().isEmpty()) {
            html.append("<p class=\"note\">").append(escape(String.join(", ", r.metrics().sampleMean().keySet())))
                    .append(": lm-eval's ").append(escape(r.task())).append(" group, the size-weighted mean of its")
                    .append(" groups with their pooled standard error, as lm-eval reports it; the plain mean over")
                    .append(" samples is listed below it for comparison.</p>\n");
        }
        html.append("<p>").append(r.metrics().samples()).append(" samples scored, ").append(r.errors())
                .append(" errors.</p>\n");

        List<SampleOutcome> scored = r.samples().stream().filter(s -> s.score() != null).toList();
        boolean multipleChoice = !scored.isEmpty() && scored.stream().allMatch(s -> !s.sample().choices().isEmpty());
        if (multipleChoice || hasRightWrongMetric(r)) {
            accuracyChart(html, r, multipleChoice ? scored : List.of());
        }
        if (multipleChoice) {
            answerDistribution(html, scored);
        }
        List<SampleOutcome> generated = r.samples().stream()
                .filter(s -> s.sample().requests().get(0) instanceof GenerateUntilRequest).toList();
        if (!generated.isEmpty()) {
            generations(html, generated);
        }
        List<SampleOutcome> documents = r.samples().stream()
                .filter(s -> s.sample().requests().get(0) instanceof LoglikelihoodRollingRequest).toList();
        if (!documents.isEmpty()) {
            documents(html, documents);
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

    /** The settings and provenance table: what was evaluated, how, when, and by which build. */
    private static void provenance(StringBuilder html, EvaluationResult r, LmEvalRun run) {
        Map<String, String> rows = new LinkedHashMap<>();
        rows.put("task", r.task());
        rows.put("model", run == null ? r.modelId() : run.modelDir().toString());
        if (run != null) {
            rows.put("model_fingerprint", run.modelFingerprint());
            Map<String, Object> options = LmEvalResults.options(run.task());
            rows.put("num_fewshot", String.valueOf(options.get("num_fewshot") instanceof Number n ? n.intValue() : 0));
            rows.put("limit", run.limit() == null ? "none" : run.limit().toString());
            rows.put("samples", r.samples().size() + " of " + run.allSamples().size());
            rows.put("date", DateTimeFormatter.ISO_INSTANT.format(run.started().truncatedTo(ChronoUnit.SECONDS)));
            rows.put("max_length", Integer.toString(run.maxLength()));
            rows.put("batch_size", Integer.toString(run.batchSize()));
            rows.put("backend", String.valueOf(run.device()));
            StringBuilder taskOptions = new StringBuilder();
            options.forEach((key, value) -> {
                if (!key.equals("num_fewshot")) {
                    taskOptions.append(taskOptions.length() == 0 ? "" : ", ").append(key).append('=').append(value);
                }
            });
            rows.put("task_options", taskOptions.toString());
        } else {
            rows.put("samples", Integer.toString(r.samples().size()));
        }
        String version = HtmlReport.class.getPackage().getImplementationVersion();
        rows.put("plt_version", version == null ? "unknown (not built as a jar)" : version);
        String git = BuildInfo.gitHash();
        rows.put("git_hash", git == null ? "unknown" : git);
        if (run != null && run.environment() != null) {
            rows.put("environment", run.environment());
        }
        html.append("<h2>Settings and provenance</h2>\n<table id=\"provenance\">\n");
        rows.forEach((key, value) -> html.append("<tr><th>").append(escape(key)).append("</th><td data-field=\"")
                .append(escape(key)).append("\"><code>").append(escape(value)).append("</code></td></tr>\n"));
        html.append("</table>\n");
    }

    private static String metricRow(String name, MetricResult m) {
        String stderr = Double.isFinite(m.stderr()) ? String.format("%.4f", m.stderr()) : "-";
        return String.format("<tr data-metric=\"%s\"><td>%s</td><td class=\"num\" data-value=\"%s\">%.4f</td>"
                + "<td class=\"num\" data-stderr=\"%s\">%s</td><td class=\"num\">%d</td></tr>%n", escape(name),
                escape(name), m.value(), m.value(), Double.isFinite(m.stderr()) ? Double.toString(m.stderr()) : "",
                stderr, m.count());
    }

    /** Whether the task's first metric is a right/wrong mean (acc, exact_match): a value in [0, 1] with chance. */
    private static boolean hasRightWrongMetric(EvaluationResult r) {
        return r.samples().stream().map(SamplesTable::correct).anyMatch(c -> c != null);
    }

    /**
     * Bars of the right/wrong metrics with +-1 stderr error bars: one per subject (the first metric) where
     * the task has subjects, else one per metric. For multiple choice a red line marks chance, the mean of
     * 1 / number of choices over the samples (of the subject).
     */
    private static void accuracyChart(StringBuilder html, EvaluationResult r, List<SampleOutcome> multipleChoice) {
        List<Bar> bars = new ArrayList<>();
        String title;
        if (!r.metrics().bySubject().isEmpty()) {
            String metric = r.metrics().metrics().keySet().iterator().next();
            title = metric + " per subject";
            r.metrics().bySubject().forEach((subject, metrics) -> {
                MetricResult m = metrics.get(metric);
                if (m != null) {
                    bars.add(new Bar(subject, m, chance(multipleChoice, subject)));
                }
            });
        } else {
            title = "Accuracy";
            double chance = chance(multipleChoice, null);
            r.metrics().metrics().forEach((name, m) -> {
                if (m.value() >= 0 && m.value() <= 1 && Double.isFinite(m.stderr())) {
                    bars.add(new Bar(name, m, chance));
                }
            });
        }
        if (bars.isEmpty()) {
            return;
        }
        html.append("<h2>").append(escape(title)).append("</h2>\n").append(barChart(bars))
                .append("<p class=\"note\">Bars: value with &plusmn;1 standard error.")
                .append(multipleChoice.isEmpty() ? "" : " Red line: chance (1 / number of choices).")
                .append("</p>\n<table id=\"subjects\"><tr><th>").append(r.metrics().bySubject().isEmpty() ? "metric"
                        : "subject").append("</th><th>value</th><th>stderr</th><th>n</th><th>chance</th></tr>\n");
        for (Bar b : bars) {
            html.append("<tr data-bar=\"").append(escape(b.label())).append("\"><td>").append(escape(b.label()))
                    .append(String.format("</td><td class=\"num\" data-value=\"%s\">%.4f</td><td class=\"num\">%s</td>"
                            + "<td class=\"num\">%d</td><td class=\"num\" data-chance=\"%s\">%s</td></tr>%n",
                            b.m().value(), b.m().value(), Double.isFinite(b.m().stderr())
                                    ? String.format("%.4f", b.m().stderr()) : "-", b.m().count(),
                            Double.isNaN(b.chance()) ? "" : Double.toString(b.chance()),
                            Double.isNaN(b.chance()) ? "-" : String.format("%.4f", b.chance())));
        }
        html.append("</table>\n");
    }

    private record Bar(String label, MetricResult m, double chance) {
    }

    /** Mean of 1 / choices over the multiple-choice samples (of {@code subject} when not null); NaN if none. */
    private static double chance(List<SampleOutcome> samples, String subject) {
        return samples.stream().filter(s -> subject == null || subject.equals(s.sample().subject()))
                .mapToDouble(s -> 1.0 / s.sample().choices().size()).average().orElse(Double.NaN);
    }

    /** Horizontal bars as inline SVG (values in [0, 1]), with error bars and chance marks. */
    private static String barChart(List<Bar> bars) {
        int rowHeight = 20;
        int labelWidth = 220;
        int barWidth = 480;
        int top = 16;
        StringBuilder svg = new StringBuilder(String.format(
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-size=\"11\">%n",
                labelWidth + barWidth + 70, top + rowHeight * bars.size() + 4));
        for (int tick = 0; tick <= 10; tick += 2) {
            double x = labelWidth + tick / 10.0 * barWidth;
            svg.append(String.format("<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>"
                    + "<text x=\"%.1f\" y=\"11\" text-anchor=\"middle\" fill=\"#666\">%.1f</text>%n", x, top, x,
                    top + rowHeight * bars.size(), x, tick / 10.0));
        }
        for (int i = 0; i < bars.size(); i++) {
            Bar b = bars.get(i);
            double value = clamp(b.m().value());
            int y = top + i * rowHeight + 2;
            int h = rowHeight - 5;
            svg.append(String.format("<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>", labelWidth - 4,
                    y + 12, escape(b.label())))
                    .append(String.format("<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"#4a7ab7\"/>",
                            labelWidth, y, value * barWidth, h));
            if (Double.isFinite(b.m().stderr()) && b.m().stderr() > 0) {
                double lo = labelWidth + clamp(b.m().value() - b.m().stderr()) * barWidth;
                double hi = labelWidth + clamp(b.m().value() + b.m().stderr()) * barWidth;
                double mid = y + h / 2.0;
                svg.append(String.format("<path d=\"M%.1f %.1fH%.1fM%.1f %dV%dM%.1f %dV%d\" stroke=\"#111\" "
                        + "stroke-width=\"1.5\" fill=\"none\"/>", lo, mid, hi, lo, y + 3, y + h - 3, hi, y + 3,
                        y + h - 3));
            }
            if (!Double.isNaN(b.chance())) {
                double x = labelWidth + clamp(b.chance()) * barWidth;
                svg.append(String.format("<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#d22\" "
                        + "stroke-width=\"2\" stroke-dasharray=\"4 2\"/>", x, y - 2, x, y + h + 2));
            }
            svg.append(String.format("<text x=\"%.1f\" y=\"%d\">%.3f</text>%n",
                    labelWidth + Math.max(value, clamp(b.m().value() + (Double.isFinite(b.m().stderr())
                            ? b.m().stderr() : 0))) * barWidth + 4, y + 12, b.m().value()));
        }
        return svg.append("</svg>\n").toString();
    }

    private static double clamp(double v) {
        return Math.max(0, Math.min(1, v));
    }

    /**
     * How often the model picked each choice position (the highest log-likelihood, acc's pick) against how
     * often each position is gold: a model that answers one letter whatever the question shows here.
     */
    private static void answerDistribution(StringBuilder html, List<SampleOutcome> scored) {
        int positions = scored.stream().mapToInt(s -> s.sample().choices().size()).max().orElse(0);
        int[] picked = new int[positions];
        int[] gold = new int[positions];
        for (SampleOutcome s : scored) {
            picked[argmax(s.loglikelihoods())]++;
            gold[s.sample().gold()]++;
        }
        List<String> sharedChoices = scored.get(0).sample().choices();
        boolean shared = scored.stream().allMatch(s -> s.sample().choices().equals(sharedChoices));
        int top = 0;
        for (int i = 1; i < positions; i++) {
            top = picked[i] > picked[top] ? i : top;
        }
        int n = scored.size();
        html.append("<h2>Answer distribution</h2>\n<p").append(picked[top] > 2 * Math.max(gold[top], 1) && picked[top]
                > n / 2 ? " class=\"warn\"" : "").append(">Most picked: ").append(letter(top))
                .append(String.format(", %d of %d answers (%.0f%%); gold is %s in %d.</p>%n", picked[top], n,
                        100.0 * picked[top] / n, letter(top), gold[top]))
                .append("<table id=\"answers\"><tr><th>letter</th>").append(shared ? "<th>choice</th>" : "")
                .append("<th>picked</th><th></th><th>gold</th><th></th></tr>\n");
        for (int i = 0; i < positions; i++) {
            html.append("<tr data-letter=\"").append(letter(i)).append("\"><td>").append(letter(i)).append("</td>");
            if (shared) {
                html.append("<td>").append(escape(sharedChoices.get(i))).append("</td>");
            }
            html.append("<td class=\"num\" data-picked=\"").append(picked[i]).append("\">").append(picked[i])
                    .append(String.format(" (%.0f%%)</td><td>%s</td>", 100.0 * picked[i] / n,
                            proportionBar(picked[i], n, "#4a7ab7")))
                    .append("<td class=\"num\" data-gold=\"").append(gold[i]).append("\">").append(gold[i])
                    .append(String.format(" (%.0f%%)</td><td>%s</td></tr>%n", 100.0 * gold[i] / n,
                            proportionBar(gold[i], n, "#999")));
        }
        html.append("</table>\n<p class=\"note\">Picked: the choice of highest log-likelihood (acc's prediction), ")
                .append("over the ").append(n).append(" samples without error.</p>\n");
    }

    private static String proportionBar(int count, int total, String colour) {
        return String.format("<span class=\"bar\" style=\"width:%.1fpx;background:%s\"></span>",
                200.0 * count / total, colour);
    }

    /** A, B, ... Z, then 27, 28, ... (1-based) for longer choice lists. */
    static String letter(int index) {
        return index < 26 ? String.valueOf((char) ('A' + index)) : Integer.toString(index + 1);
    }

    /** The choice acc picks, by the scorer's own rule. */
    private static int argmax(List<Double> values) {
        return dev.plt.datasets.tasks.scoring.MultipleChoiceScorer.argmax(
                values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** Generation tasks: the generated text, the answer extracted from it and the target, first samples. */
    private static void generations(StringBuilder html, List<SampleOutcome> generated) {
        int shown = Math.min(GENERATIONS_SHOWN, generated.size());
        html.append("<h2>Generations (first ").append(shown).append(" of ").append(generated.size())
                .append(")</h2>\n<table id=\"generations\"><tr><th>id</th><th>question</th><th>generation</th>")
                .append("<th>extracted</th><th>target</th><th>correct</th></tr>\n");
        for (SampleOutcome s : generated.subList(0, shown)) {
            Boolean correct = SamplesTable.correct(s);
            html.append("<tr data-sample=\"").append(escape(s.sample().id())).append("\"><td>")
                    .append(escape(s.sample().id())).append("</td><td>").append(escape(s.sample().display()))
                    .append("</td><td><pre>").append(escape(s.error() != null ? "" : s.output()))
                    .append("</pre></td><td data-extracted>")
                    .append(escape(s.score() == null ? "" : s.score().prediction()))
                    .append("</td><td data-target>").append(escape(s.sample().target())).append("</td><td>")
                    .append(s.error() != null ? "<span class=\"err\">" + escape(s.errorKind()) + "</span>"
                            : correct == null ? "" : correct ? "yes" : "no")
                    .append("</td></tr>\n");
        }
        html.append("</table>\n");
    }

    /** Perplexity tasks: each document's word and byte perplexity and bits per byte (lm-eval's formulas). */
    private static void documents(StringBuilder html, List<SampleOutcome> documents) {
        int shown = Math.min(SAMPLES_SHOWN, documents.size());
        html.append("<h2>Documents (first ").append(shown).append(" of ").append(documents.size())
                .append(")</h2>\n<table id=\"documents\"><tr><th>id</th><th>start</th><th>words</th><th>bytes</th>")
                .append("<th>log-likelihood</th><th>word perplexity</th><th>byte perplexity</th>")
                .append("<th>bits per byte</th></tr>\n");
        for (SampleOutcome s : documents.subList(0, shown)) {
            html.append("<tr data-sample=\"").append(escape(s.sample().id())).append("\"><td>")
                    .append(escape(s.sample().id())).append("</td><td>").append(escape(s.sample().display()))
                    .append("</td>");
            MetricValue words = s.score() == null ? null : s.score().metrics().get("word_perplexity");
            MetricValue bytes = s.score() == null ? null : s.score().metrics().get("byte_perplexity");
            if (words == null || bytes == null) {
                html.append("<td colspan=\"6\" class=\"err\">").append(escape(s.error())).append("</td></tr>\n");
                continue;
            }
            double ll = words.value();
            double wordPpl = Math.exp(-ll / words.weight());
            double bytePpl = Math.exp(-ll / bytes.weight());
            double bpb = -ll / (bytes.weight() * Math.log(2));
            html.append(String.format("<td class=\"num\">%.0f</td><td class=\"num\">%.0f</td>"
                    + "<td class=\"num\">%.2f</td><td class=\"num\" data-word-perplexity=\"%s\">%.3f</td>"
                    + "<td class=\"num\" data-byte-perplexity=\"%s\">%.4f</td>"
                    + "<td class=\"num\" data-bits-per-byte=\"%s\">%.4f</td></tr>%n", words.weight(), bytes.weight(),
                    ll, wordPpl, wordPpl, bytePpl, bytePpl, bpb, bpb));
        }
        html.append("</table>\n");
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
