package dev.plt.datasets.tasks.gsm8k;

import com.fasterxml.jackson.databind.JsonNode;
import dev.plt.datasets.tasks.GenerateUntilRequest;
import dev.plt.datasets.tasks.JsonLines;
import dev.plt.datasets.tasks.Sample;
import dev.plt.datasets.tasks.SampleSource;
import dev.plt.datasets.tasks.scoring.AnswerExtractor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * GSM8K samples from {@code {"question", "answer"}} JSONL files: one greedy {@code generate_until}
 * request per question; the target is the number after {@code "#### "} in the reference answer. A
 * question whose reference has no such number is a sample marked {@link Sample#invalid()}.
 */
public record Gsm8kSource(String evalFile, String fewshotFile, int numFewshot, long fewshotSeed,
        List<String> until, int maxGenTokens) implements SampleSource {

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
        List<Sample> samples = new ArrayList<>(problems.size());
        for (int i = 0; i < problems.size(); i++) {
            Gsm8kPrompt.Problem problem = problems.get(i);
            List<Gsm8kPrompt.Problem> shots = new ArrayList<>();
            for (int index : FewshotPicker.pick(fewshotSeed, i, numFewshot, pool.size(), samePool ? i : -1)) {
                shots.add(pool.get(index));
            }
            String context = Gsm8kPrompt.context(shots, problem.question());
            Map<String, String> doc = new LinkedHashMap<>();
            doc.put("question", problem.question());
            doc.put("answer", problem.answer());
            String id = "gsm8k/" + name + "/" + i;
            Optional<String> target = AnswerExtractor.reference(problem.answer());
            // Scored against its whole solution text, such a sample would count as a wrong answer.
            String invalid = target.isPresent() ? null : "sample " + id + " (question '"
                    + Sample.shorten(problem.question(), 60) + "'): the reference answer does not end with '#### N', "
                    + "the number to compare: " + Sample.shorten(problem.answer().replace('\n', ' '), 60);
            samples.add(new Sample(id, doc, List.of(new GenerateUntilRequest(context, until, maxGenTokens)), List.of(),
                    -1, target.orElse(null), null, Sample.shorten(problem.question(), 100), invalid));
        }
        return samples;
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
