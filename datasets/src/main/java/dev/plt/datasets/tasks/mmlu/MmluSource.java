package dev.plt.datasets.tasks.mmlu;

import dev.plt.datasets.tasks.Sample;
import dev.plt.datasets.tasks.SampleSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * MMLU samples from the Hendrycks layout: {@code {dataDir}/{split}/{subject}_{split}.csv}. Few-shot
 * examples are the first {@code numFewshot} rows of the subject's few-shot split (lm-eval's
 * {@code first_n} sampler on {@code dev}); when the evaluated split is the few-shot split itself, a
 * question is never its own example.
 *
 * @param subjects the subjects to evaluate; empty means every subject found in the split
 */
public record MmluSource(String dataDir, String split, String fewshotSplit, int numFewshot, List<String> subjects)
        implements SampleSource {

    public MmluSource {
        subjects = List.copyOf(subjects);
        if (numFewshot < 0) {
            throw new IllegalArgumentException("num_fewshot must be >= 0, got " + numFewshot);
        }
    }

    @Override
    public List<Sample> load() {
        List<Sample> samples = new ArrayList<>();
        for (String subject : subjects.isEmpty() ? availableSubjects() : subjects) {
            samples.addAll(subjectSamples(subject));
        }
        return samples;
    }

    /** lm-eval's mmlu subtasks' {@code metadata.version} (_default_template_yaml; its groups are version 2). */
    @Override
    public Number lmEvalVersion() {
        return 1.0;
    }

    /** lm-eval's {@code mmlu_stem}, {@code mmlu_other}, {@code mmlu_social_sciences}, {@code mmlu_humanities}, then {@code mmlu}. */
    @Override
    public List<dev.plt.datasets.tasks.metrics.TaskGroup> groups() {
        return MmluCategories.groups();
    }

    /** The subjects that have a file in the evaluated split, sorted. */
    public List<String> availableSubjects() {
        Path dir = Path.of(dataDir, split);
        String suffix = "_" + split + ".csv";
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(name -> name.endsWith(suffix))
                    .map(name -> name.substring(0, name.length() - suffix.length()))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list MMLU split directory " + dir, e);
        }
    }

    /** The samples of one subject, in file order. */
    public List<Sample> subjectSamples(String subject) {
        List<MmluRow> rows = MmluCsv.read(file(split, subject));
        List<MmluRow> pool = numFewshot == 0 ? List.of() : MmluCsv.read(file(fewshotSplit, subject));
        boolean sameSplit = split.equals(fewshotSplit);
        List<Sample> samples = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            MmluRow row = rows.get(i);
            String context = MmluPrompt.context(subject, fewshot(pool, sameSplit ? i : -1, subject), row);
            Map<String, String> doc = new LinkedHashMap<>();
            doc.put("question", row.question());
            for (int c = 0; c < MmluRow.LETTERS.size(); c++) {
                doc.put(MmluRow.LETTERS.get(c), row.options().get(c));
            }
            doc.put("answer", row.answer());
            samples.add(Sample.multipleChoice(subject + "/" + split + "/" + i, doc, context, MmluRow.LETTERS,
                    row.goldIndex(), subject, Sample.shorten(row.question(), 100)));
        }
        return samples;
    }

    private List<MmluRow> fewshot(List<MmluRow> pool, int excluded, String subject) {
        List<MmluRow> chosen = new ArrayList<>(numFewshot);
        for (int i = 0; i < pool.size() && chosen.size() < numFewshot; i++) {
            if (i != excluded) {
                chosen.add(pool.get(i));
            }
        }
        if (chosen.size() < numFewshot) {
            throw new IllegalArgumentException("MMLU subject " + subject + " has only " + chosen.size()
                    + " few-shot examples in split " + fewshotSplit + ", num_fewshot is " + numFewshot);
        }
        return chosen;
    }

    private Path file(String splitName, String subject) {
        Path file = Path.of(dataDir, splitName, subject + "_" + splitName + ".csv");
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("MMLU file not found: " + file);
        }
        return file;
    }
}
