package dev.plt.datasets.tasks.gsm8k;

import dev.plt.datasets.tasks.RequestType;
import dev.plt.datasets.tasks.Task;
import dev.plt.datasets.tasks.config.Accepts;
import dev.plt.datasets.tasks.config.DataPaths;
import dev.plt.datasets.tasks.config.TaskConfig;
import dev.plt.datasets.tasks.scoring.ExactMatch;
import dev.plt.datasets.tasks.scoring.ExactMatchScorer;
import dev.plt.datasets.tasks.scoring.RegexFilter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Options of kind {@code gsm8k}, defaults (in brackets) those of lm-eval's {@code gsm8k.yaml}, metadata
 * version 3.0: {@code eval_file} [gsm8k/test.jsonl], {@code fewshot_file} [gsm8k/train.jsonl],
 * {@code num_fewshot} [5], {@code fewshot_seed} [1234, lm-eval's default {@code --fewshot_seed}],
 * {@code until} ["Question:", "&lt;/s&gt;", "&lt;|im_end|&gt;"], {@code max_gen_toks} [256: the yaml sets none,
 * so lm-eval's Hugging Face model's default], {@code strict_pattern} [{@value #STRICT}, first match],
 * {@code flexible_pattern} [{@value #FLEXIBLE}, last match].
 */
public record Gsm8kConfig(String evalFile, String fewshotFile, @Accepts(min = 0) Integer numFewshot, Long fewshotSeed,
        List<String> until, @Accepts(min = 1) Integer maxGenToks, String strictPattern, String flexiblePattern)
        implements TaskConfig {
    /** lm-eval's strict-match filter pattern (group_select 0). */
    public static final String STRICT = "#### (\\-?[0-9\\.\\,]+)";
    /** lm-eval's flexible-extract filter pattern (group_select -1). */
    public static final String FLEXIBLE = "(-?[$0-9.,]{2,})|(-?[0-9]+)";
    public static final List<String> UNTIL = List.of("Question:", "</s>", "<|im_end|>");

    public Gsm8kConfig {
        evalFile = evalFile == null ? "gsm8k/test.jsonl" : evalFile;
        fewshotFile = fewshotFile == null ? "gsm8k/train.jsonl" : fewshotFile;
        numFewshot = numFewshot == null ? 5 : numFewshot;
        fewshotSeed = fewshotSeed == null ? 1234L : fewshotSeed;
        until = until == null ? UNTIL : List.copyOf(until);
        maxGenToks = maxGenToks == null ? 256 : maxGenToks;
        strictPattern = strictPattern == null ? STRICT : strictPattern;
        flexiblePattern = flexiblePattern == null ? FLEXIBLE : flexiblePattern;
    }

    @Override
    public Task toTask(String name, DataPaths paths) {
        return new Task(name, RequestType.GENERATE_UNTIL,
                new Gsm8kSource(paths.resolve("eval_file", evalFile), paths.resolve("fewshot_file", fewshotFile),
                        numFewshot, fewshotSeed, until, maxGenToks),
                scorer(strictPattern, flexiblePattern));
    }

    /** lm-eval's two filters and its exact_match settings; a bad pattern is named by its option. */
    public static ExactMatchScorer scorer(String strictPattern, String flexiblePattern) {
        Map<String, RegexFilter> filters = new LinkedHashMap<>();
        filters.put("exact_match_strict", filter("strict_pattern", "strict-match", strictPattern, 0));
        filters.put("exact_match_flexible", filter("flexible_pattern", "flexible-extract", flexiblePattern, -1));
        return new ExactMatchScorer(ExactMatch.GSM8K, filters);
    }

    private static RegexFilter filter(String option, String name, String regex, int groupSelect) {
        try {
            return new RegexFilter(name, regex, groupSelect);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage().replace("regex_pattern of filter " + name, option),
                    e.getCause());
        }
    }
}
