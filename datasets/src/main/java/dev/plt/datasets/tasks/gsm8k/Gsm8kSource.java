package dev.plt.datasets.tasks.gsm8k;

import com.fasterxml.jackson.databind.JsonNode;
import dev.plt.datasets.tasks.GenerateUntilRequest;
import dev.plt.datasets.tasks.JsonLines;
import dev.plt.datasets.tasks.Sample;
import dev.plt.datasets.tasks.SampleSource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * GSM8K samples from {@code {"question", "answer"}} JSONL files, as lm-eval's {@code gsm8k} task (version
 * {@value #VERSION}) builds them: one greedy {@code generate_until} request per question, few-shot examples
 * drawn by {@link FewshotSampler}; the target is the whole reference solution (lm-eval's
 * {@code doc_to_target: "{{answer}}"}), which exact_match reduces to the text after its last {@code "#### "}.
 * A question whose reference has no {@code "#### "} marker is a sample marked {@link Sample#invalid()}: lm-eval
 * would compare the answer with the whole solution text and count it wrong, plt reports it as bad data.
 */
public record Gsm8kSource(String evalFile, String fewshotFile, int numFewshot, long fewshotSeed,
        List<String> until, int maxGenTokens) implements SampleSource {

    /** lm-eval gsm8k.yaml's {@code metadata.version}. */
    public static final double VERSION = 3.0;

    /** What exact_match's regexes_to_ignore cut the reference at ({@code "(?s).*#### "}). */
    private static final String MARKER = "#### ";

    public Gsm8kSource {
        until = List.copyOf(until);
        if (numFewshot < 0) {
            throw new IllegalArgumentException("num_fewshot must be >= 0, got " + numFewshot);
        }
    }

    @Override
    public List<Sample> load() {
        List<Gsm8kPrompt.Problem> problems = read(evalFile);
        List<Gsm8kPrompt.Problem> pool = numFewshot == 0 ? List.of() : read(fewshotFile);
        boolean samePool = Path.of(evalFile).toAbsolutePath().normalize()
                .equals(Path.of(fewshotFile).toAbsolutePath().normalize());
        String name = Path.of(evalFile).getFileName().toString().replaceFirst("\\.jsonl$", "");
        FewshotSampler<Gsm8kPrompt.Problem> sampler = new FewshotSampler<>(pool, numFewshot, fewshotSeed, samePool);
        List<Sample> samples = new ArrayList<>(problems.size());
        for (int i = 0; i < problems.size(); i++) {
            Gsm8kPrompt.Problem problem = problems.get(i);
            String context = Gsm8kPrompt.context(sampler.next(problem), problem.question());
            Map<String, String> doc = new LinkedHashMap<>();
            doc.put("question", problem.question());
            doc.put("answer", problem.answer());
            String id = "gsm8k/" + name + "/" + i;
            // Scored against its whole solution text, such a sample would count as a wrong answer.
            String invalid = problem.answer().contains(MARKER) ? null : "sample " + id + " (question '"
                    + Sample.shorten(problem.question(), 60) + "'): the reference answer has no '" + MARKER
                    + "' before the number to compare: " + Sample.shorten(problem.answer().replace('\n', ' '), 60);
            samples.add(new Sample(id, doc, List.of(new GenerateUntilRequest(context, until, maxGenTokens)), List.of(),
                    -1, problem.answer(), null, Sample.shorten(problem.question(), 100), invalid));
        }
        return samples;
    }

    @Override
    public Number lmEvalVersion() {
        return VERSION;
    }

    private static List<Gsm8kPrompt.Problem> read(String file) {
        Path path = Path.of(file);
        List<JsonNode> rows = JsonLines.read(path);
        List<Gsm8kPrompt.Problem> problems = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            problems.add(new Gsm8kPrompt.Problem(JsonLines.text(rows.get(i), "question", path, i),
                    JsonLines.text(rows.get(i), "answer", path, i)));
        }
        return problems;
    }
}
