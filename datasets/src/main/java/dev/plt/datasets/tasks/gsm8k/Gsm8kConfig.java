package dev.plt.datasets.tasks.gsm8k;

import dev.plt.datasets.tasks.RequestType;
import dev.plt.datasets.tasks.Task;
import dev.plt.datasets.tasks.registry.Accepts;
import dev.plt.datasets.tasks.registry.DataPaths;
import dev.plt.datasets.tasks.registry.TaskConfig;
import dev.plt.datasets.tasks.scoring.AnswerExtractor;
import dev.plt.datasets.tasks.scoring.ExactMatchScorer;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Options of kind {@code gsm8k} (defaults in brackets): {@code eval_file} [gsm8k/test.jsonl],
 * {@code fewshot_file} [gsm8k/train.jsonl], {@code num_fewshot} [5], {@code fewshot_seed} [1234],
 * {@code until} ["Question:", "\n\n"], {@code max_gen_toks} [256], {@code strict_pattern}
 * [{@value AnswerExtractor#STRICT_GSM8K}], {@code flexible_pattern} [the last number].
 */
public record Gsm8kConfig(String evalFile, String fewshotFile, @Accepts(min = 0) Integer numFewshot, Long fewshotSeed,
        List<String> until, @Accepts(min = 1) Integer maxGenToks, String strictPattern, String flexiblePattern)
        implements TaskConfig {

    public Gsm8kConfig {
        evalFile = evalFile == null ? "gsm8k/test.jsonl" : evalFile;
        fewshotFile = fewshotFile == null ? "gsm8k/train.jsonl" : fewshotFile;
        numFewshot = numFewshot == null ? 5 : numFewshot;
        fewshotSeed = fewshotSeed == null ? 1234L : fewshotSeed;
        until = until == null ? List.of("Question:", "\n\n") : List.copyOf(until);
        maxGenToks = maxGenToks == null ? 256 : maxGenToks;
        strictPattern = strictPattern == null ? AnswerExtractor.STRICT_GSM8K : strictPattern;
        flexiblePattern = flexiblePattern == null ? AnswerExtractor.LAST_NUMBER : flexiblePattern;
    }

    @Override
    public Task toTask(String name, DataPaths paths) {
        requireRegex("strict_pattern", strictPattern);
        requireRegex("flexible_pattern", flexiblePattern);
        return new Task(name, RequestType.GENERATE_UNTIL,
                new Gsm8kSource(paths.resolve("eval_file", evalFile), paths.resolve("fewshot_file", fewshotFile),
                        numFewshot, fewshotSeed, until, maxGenToks),
                new ExactMatchScorer(new AnswerExtractor(strictPattern, flexiblePattern)));
    }

    /** A pattern that does not compile, named by its option in one line (the JDK's message has three). */
    private static void requireRegex(String option, String regex) {
        try {
            Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("option " + option + "=" + regex + ": expected a regular expression ("
                    + e.getDescription() + " near index " + e.getIndex() + ")", e);
        }
    }
}
