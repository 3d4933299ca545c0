package dev.plt.jobs.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.plt.datasets.tasks.GenerateUntilRequest;
import dev.plt.datasets.tasks.Sample;
import dev.plt.datasets.tasks.metrics.MetricResult;
import dev.plt.datasets.tasks.metrics.MetricValue;
import dev.plt.datasets.tasks.metrics.SampleScore;
import dev.plt.datasets.tasks.metrics.TaskResult;
import dev.plt.datasets.tasks.registry.ProjectLayout;
import dev.plt.jobs.SharedSpark;
import dev.plt.jobs.output.ModelFingerprint;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * report.html as a browser shows it: headless Chromium (Debian's {@code chromium}, installed by .ci/run)
 * loads the page and dumps the DOM it built, and the tables there must hold what the evaluation wrote:
 * every metric value of metrics.json, the answer distribution counted from samples/ (the highest
 * log-likelihood per sample against the gold choice), the provenance (model directory, its
 * fingerprint, task, shots, limit, date, git commit), each document's perplexities. A screenshot must
 * be a real picture (more than one colour). Skipped, with a message, where no chromium binary exists.
 *
 * <p>With the environment variable {@code PLT_REPORT_SCREENSHOT=FILE.png} the multihop report's screenshot
 * is also copied to FILE.png and the perplexity report's to FILE-perplexity.png (how
 * docs/report-example.png and docs/report-example-perplexity.png are made).
 */
@ExtendWith(SharedSpark.class)
class ReportInChromiumTest {
    private static Path chromium;

    @TempDir
    Path dir;

    @BeforeAll
    static void findChromium() {
        chromium = Stream.of("chromium", "chromium-browser", "google-chrome")
                .flatMap(name -> Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                        .map(d -> Path.of(d, name)))
                .filter(Files::isExecutable).findFirst().orElse(null);
    }

    @BeforeEach
    void requireChromium() {
        Assumptions.assumeTrue(chromium != null, "no chromium binary on PATH: skipping the report rendering checks "
                + "(apt-get install chromium; .ci/run installs it)");
    }

    /** One Spark evaluation: multihop (ten-way multiple choice, a subject per depth) on the embedded model. */
    @Test
    void multipleChoiceReportShowsMetricsAnswerDistributionAndProvenance() throws Exception {
        Path model = root().resolve("models/multihop-plt2").toRealPath();
        Path out = EvaluateOutput.evaluate(dir.resolve("out"), "--task", "multihop", "--model", model.toString(),
                "--task-option", "n=10", "--limit", "9"); // 9 per depth (lm-eval: per subtask), 36 of 40
        String dom = dumpDom(out.resolve("report.html"));

        JsonNode metrics = EvaluateOutput.metrics(out);
        assertMetricsShown(dom, metrics);
        metrics.get("subjects").fields().forEachRemaining(subject -> assertEquals(
                subject.getValue().get("acc").get("value").asDouble(),
                Double.parseDouble(cell(dom, "tr data-bar=\"" + subject.getKey() + "\"", "data-value")),
                subject.getKey()));
        assertEquals(4, count(dom, "<tr data-bar="), "one bar row per depth");
        assertEquals(0.1, Double.parseDouble(cell(dom, "tr data-bar=\"hops_1\"", "data-chance")), 1e-12,
                "ten choices: chance is 1/10");

        // The answer distribution, counted here from samples/: argmax of the log-likelihoods, and the gold.
        Map<String, Integer> picked = new LinkedHashMap<>();
        Map<String, Integer> gold = new LinkedHashMap<>();
        List<JsonNode> samples = EvaluateOutput.samples(out);
        assertEquals(36, samples.size());
        for (JsonNode row : samples) {
            List<String> choices = new ArrayList<>();
            row.get("choices").forEach(c -> choices.add(c.asText()));
            int best = 0;
            for (int i = 1; i < row.get("loglikelihoods").size(); i++) {
                best = row.get("loglikelihoods").get(i).asDouble() > row.get("loglikelihoods").get(best).asDouble()
                        ? i : best;
            }
            picked.merge(HtmlReport.letter(best), 1, Integer::sum);
            gold.merge(HtmlReport.letter(choices.indexOf(row.get("target").asText())), 1, Integer::sum);
        }
        for (int i = 0; i < 10; i++) {
            String letter = HtmlReport.letter(i);
            String rowStart = "tr data-letter=\"" + letter + "\"";
            assertEquals(picked.getOrDefault(letter, 0), Integer.parseInt(cell(dom, rowStart, "data-picked")), letter);
            assertEquals(gold.getOrDefault(letter, 0), Integer.parseInt(cell(dom, rowStart, "data-gold")), letter);
        }

        assertEquals(model.toString(), field(dom, "model"));
        assertEquals(ModelFingerprint.of(model), field(dom, "model_fingerprint"));
        assertEquals("multihop", field(dom, "task"));
        assertEquals("0", field(dom, "num_fewshot"));
        assertEquals("9", field(dom, "limit"));
        assertEquals("36 of 40", field(dom, "samples"));
        assertTrue(field(dom, "date").matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"), field(dom, "date"));
        String git = BuildInfo.gitHash();
        assertEquals(git == null ? "unknown" : git, field(dom, "git_hash"));

        Path png = screenshot(out.resolve("report.html"));
        String copy = System.getenv("PLT_REPORT_SCREENSHOT");
        if (copy != null && !copy.isBlank()) {
            Files.copy(png, Path.of(copy), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** One Spark evaluation: perplexity of blank-line documents, --limit 10, on the embedded model. */
    @Test
    void perplexityReportShowsEachDocument() throws Exception {
        Path model = root().resolve("models/default").toRealPath();
        String[] lines = {"To be, or not to be, that is the question:", "Whether 'tis nobler in the mind to suffer",
            "The slings and arrows of outrageous fortune,", "Or to take arms against a sea of troubles",
            "And by opposing end them. To die: to sleep;", "No more; and by a sleep to say we end",
            "The heart-ache and the thousand natural shocks", "That flesh is heir to, 'tis a consummation",
            "Devoutly to be wish'd. To die, to sleep;", "To sleep: perchance to dream: ay, there's the rub;"};
        StringBuilder text = new StringBuilder("<b>HAMLET</b> & OPHELIA\n");
        for (int d = 0; d < 12; d++) {
            text.append(d == 0 ? "" : "\n\n");
            for (int l = 0; l < 2 + d % 3; l++) {
                text.append(lines[(d + l) % lines.length]).append('\n');
            }
        }
        Path data = Files.writeString(dir.resolve("docs.txt"), text.toString());
        Path out = EvaluateOutput.evaluate(dir.resolve("out"), "--task", "perplexity", "--data", data.toString(),
                "--task-option", "documents=blank_lines", "--model", model.toString(), "--limit", "10");
        String dom = dumpDom(out.resolve("report.html"));
        assertMetricsShown(dom, EvaluateOutput.metrics(out));
        assertFalse(dom.contains("<b>HAMLET</b>"), "document text stays text");
        assertTrue(dom.contains("&lt;b&gt;HAMLET&lt;/b&gt; &amp; OPHELIA"), "document text shown escaped");

        List<JsonNode> samples = EvaluateOutput.samples(out);
        assertEquals(10, samples.size());
        assertEquals(10, count(dom, "<tr data-sample="), "a row per document");
        for (JsonNode row : samples) {
            String doc = row.get("prompt").asText();
            double ll = row.get("metrics").get("word_perplexity").asDouble();
            double words = doc.strip().split("\\s+").length;
            double bytes = doc.getBytes(StandardCharsets.UTF_8).length;
            String rowStart = "tr data-sample=\"" + row.get("sample_id").asText() + "\"";
            assertEquals(Math.exp(-ll / words), Double.parseDouble(cell(dom, rowStart, "data-word-perplexity")),
                    1e-9 * Math.exp(-ll / words), "word perplexity of " + rowStart);
            assertEquals(Math.exp(-ll / bytes), Double.parseDouble(cell(dom, rowStart, "data-byte-perplexity")),
                    1e-9 * Math.exp(-ll / bytes), "byte perplexity of " + rowStart);
        }
        assertEquals("10", field(dom, "limit"));
        assertEquals("perplexity", field(dom, "task"));
        Path png = screenshot(out.resolve("report.html"));
        String copy = System.getenv("PLT_REPORT_SCREENSHOT");
        if (copy != null && !copy.isBlank()) {
            Files.copy(png, Path.of(copy.replaceFirst("(\\.png)?$", "-perplexity.png")),
                    StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * No Spark: a GSM8K-style result whose model answers "C" 294 times out of 300 is hard to miss, and
     * generations show with their extracted answer and target, escaped.
     */
    @Test
    void skewedAnswersAndGenerationsAreVisible() throws Exception {
        List<SampleOutcome> outcomes = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            int pick = i < 294 ? 2 : 0;
            List<Double> ll = new ArrayList<>(List.of(-3.0, -3.0, -3.0, -3.0));
            ll.set(pick, -1.0);
            Sample s = Sample.multipleChoice("q" + i, Map.of(), "Question " + i + "\nAnswer:",
                    List.of("w", "x", "y", "z"), i % 4, null, "Question " + i);
            outcomes.add(new SampleOutcome(s, ll, null, new SampleScore(s.id(), null,
                    Map.of("acc", MetricValue.of(pick == i % 4)), s.choices().get(pick)), null, 10, 0));
        }
        TaskResult mc = new TaskResult("mc", 300, Map.of("acc", new MetricResult(0.25, 0.025, 300)), Map.of());
        Path page = Files.writeString(dir.resolve("mc.html"), HtmlReport.render(new EvaluationResult("mc", "m", mc,
                outcomes, 1.0, 3000, 0)));
        String dom = dumpDom(page);
        assertEquals(294, Integer.parseInt(cell(dom, "tr data-letter=\"C\"", "data-picked")));
        assertEquals(75, Integer.parseInt(cell(dom, "tr data-letter=\"C\"", "data-gold")));
        assertTrue(dom.contains("class=\"warn\">Most picked: C, 294 of 300 answers (98%)"), "a warning line");

        List<SampleOutcome> generated = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            Sample s = new Sample("g" + i, Map.of(), List.of(new GenerateUntilRequest("Q" + i + "\nA:", List.of("\n"),
                    64)), List.of(), -1, Integer.toString(i), null, "Q<" + i + ">");
            String answer = i % 2 == 0 ? Integer.toString(i) : "7";
            generated.add(new SampleOutcome(s, List.of(), "<i>So</i> the answer is " + answer + ".", new SampleScore(
                    s.id(), null, Map.of("exact_match", MetricValue.of(answer.equals(s.target()))), answer), null, 5, 9));
        }
        TaskResult em = new TaskResult("gsm8k", 25, Map.of("exact_match", new MetricResult(0.52, 0.1, 25)), Map.of());
        page = Files.writeString(dir.resolve("gen.html"), HtmlReport.render(new EvaluationResult("gsm8k", "m", em,
                generated, 1.0, 125, 225)));
        dom = dumpDom(page);
        assertEquals(20, count(dom, "<tr data-sample="), "the first 20 generations");
        assertTrue(dom.contains("&lt;i&gt;So&lt;/i&gt; the answer is 7."), "generation shown as text");
        assertEquals("7", cell(dom, "tr data-sample=\"g3\"", "data-extracted", true));
        assertEquals("3", cell(dom, "tr data-sample=\"g3\"", "data-target", true));
        assertEquals(0.52, Double.parseDouble(cell(dom, "tr data-metric=\"exact_match\"", "data-value")));
    }

    private static void assertMetricsShown(String dom, JsonNode metrics) {
        metrics.get("metrics").fields().forEachRemaining(m -> {
            String row = "tr data-metric=\"" + m.getKey() + "\"";
            double value = m.getValue().get("value").asDouble();
            assertEquals(value, Double.parseDouble(cell(dom, row, "data-value")), m.getKey());
            assertTrue(dom.contains(String.format(">%.4f</td>", value)), "shown to 4 places: " + m.getKey());
        });
    }

    /** The value of attribute {@code attribute} of the first cell after {@code rowStart}. */
    private static String cell(String dom, String rowStart, String attribute) {
        return cell(dom, rowStart, attribute, false);
    }

    /** With {@code text}, the cell's text instead of the attribute's value. */
    private static String cell(String dom, String rowStart, String attribute, boolean text) {
        int row = dom.indexOf("<" + rowStart);
        assertTrue(row >= 0, "no <" + rowStart + "> in the rendered DOM");
        int end = dom.indexOf("</tr>", row);
        Matcher m = Pattern.compile(text ? attribute + "=\"\">([^<]*)<" : attribute + "=\"([^\"]*)\"")
                .matcher(dom.substring(row, end));
        assertTrue(m.find(), "no " + attribute + " in " + dom.substring(row, end));
        return m.group(1);
    }

    /** A provenance field's value as rendered. */
    private static String field(String dom, String name) {
        Matcher m = Pattern.compile("data-field=\"" + Pattern.quote(name) + "\"><code>([^<]*)</code>").matcher(dom);
        assertTrue(m.find(), "no provenance field " + name);
        return m.group(1).replace("&amp;", "&");
    }

    private static int count(String dom, String text) {
        int n = 0;
        for (int i = dom.indexOf(text); i >= 0; i = dom.indexOf(text, i + 1)) {
            n++;
        }
        return n;
    }

    private static Path root() {
        Optional<Path> root = ProjectLayout.findRoot(Path.of("").toAbsolutePath());
        return root.orElseThrow();
    }

    /** The DOM after Chromium has parsed and laid out the page. */
    private String dumpDom(Path page) throws Exception {
        Path stdout = dir.resolve("dom-" + page.getFileName() + ".html");
        run(stdout, "--dump-dom", page.toUri().toString());
        String dom = Files.readString(stdout);
        assertTrue(dom.contains("</html>"), "Chromium dumped no DOM for " + page);
        return dom;
    }

    /** A 1200x1600 screenshot; asserts it is a PNG of that size with more than one colour. */
    private Path screenshot(Path page) throws Exception {
        Path png = dir.resolve("shot-" + page.getParent().getFileName() + ".png");
        run(dir.resolve("shot.log"), "--screenshot=" + png, "--window-size=1200,1600", "--hide-scrollbars",
                page.toUri().toString());
        assertTrue(Files.size(png) > 0, "no screenshot written");
        BufferedImage image = ImageIO.read(png.toFile());
        assertNotNull(image, "not a readable PNG: " + png);
        assertEquals(1200, image.getWidth());
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 3) {
            for (int x = 0; x < image.getWidth(); x += 3) {
                colours.add(image.getRGB(x, y));
            }
        }
        assertTrue(colours.size() > 10, "screenshot is blank: " + colours.size() + " colours");
        return png;
    }

    private void run(Path stdout, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(chromium.toString(), "--headless=new", "--no-sandbox",
                "--disable-gpu", "--user-data-dir=" + dir.resolve("chromium-profile")));
        command.addAll(List.of(args));
        Path log = dir.resolve("chromium.log");
        Process p = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(log.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "chromium did not finish: " + command);
        assertEquals(0, p.exitValue(), "chromium failed: " + command + "\n" + Files.readString(log));
    }
}
