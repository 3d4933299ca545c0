package dev.plt.jobs.evaluate;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.plt.datasets.tasks.GenerateUntilRequest;
import dev.plt.datasets.tasks.Sample;
import dev.plt.datasets.tasks.metrics.MetricResult;
import dev.plt.datasets.tasks.metrics.TaskResult;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Dataset and model text in report.html stays text: a row holding a script tag is escaped. */
class HtmlReportTest {
    @Test
    void datasetTextIsEscaped() {
        String evil = "<script>alert('x')</script> & \"quotes\"";
        Sample sample = new Sample("s<1>", Map.of("question", evil),
                List.of(new GenerateUntilRequest("Question: " + evil + "\nAnswer:", List.of("\n\n"), 8)), List.of(),
                -1, evil, null, evil);
        SampleOutcome outcome = new SampleOutcome(sample, List.of(), evil, null, "error: " + evil, 3, 0);
        TaskResult metrics = new TaskResult("t<b>", 1, Map.of("exact_match", new MetricResult(0.5, 0.1, 1)), Map.of());
        String html = HtmlReport.render(new EvaluationResult("t<b>", "m<i>", metrics, List.of(outcome), 1.0, 3, 0));
        assertFalse(html.contains("<script>"), "no live script tag");
        assertFalse(html.contains("<b>") || html.contains("<i>"), "no markup from names");
        assertTrue(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quotes&quot;"));
        assertTrue(html.contains("<h2>Errors</h2>"));
    }

    /** MMLU: the metrics table's acc is lm-eval's mmlu group; the plain mean over samples follows, labelled. */
    @Test
    void aGroupedHeadlineComesFirstAndThePlainMeanIsLabelled() {
        TaskResult metrics = new TaskResult("mmlu", 14, Map.of("acc", new MetricResult(0.7143, 0.1111, 14)), Map.of(),
                Map.of("acc", new MetricResult(0.7143, 0.1253, 14)));
        String html = HtmlReport.render(new EvaluationResult("mmlu", "m", metrics, List.of(), 1.0, 3, 0));
        int headline = html.indexOf("<tr data-metric=\"acc\">");
        int plain = html.indexOf("<tr data-metric=\"acc (plain mean over samples)\">");
        assertTrue(headline >= 0 && plain > headline, "headline row, then the labelled plain mean");
        assertTrue(html.substring(headline, plain).contains("data-stderr=\"0.1111\""), "the group's pooled stderr");
        assertTrue(html.contains("lm-eval&#39;s mmlu group") || html.contains("lm-eval's mmlu group"), "explained");
    }
}
