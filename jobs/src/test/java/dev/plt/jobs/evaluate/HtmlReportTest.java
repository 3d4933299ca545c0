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
}
