package dev.plt.jobs.evaluate;

import dev.plt.datasets.tasks.Sample;
import dev.plt.datasets.tasks.Task;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What lm-eval's files record about a run beyond its {@link EvaluationResult}: the task as defined, every
 * sample it has (for {@code n-samples.original}), the model and the settings the values depend on.
 *
 * @param allSamples       the task's samples before {@code --limit}
 * @param modelDir         the model directory as evaluated (real path)
 * @param modelFingerprint {@link dev.plt.jobs.output.ModelFingerprint} of the model directory
 * @param modelArgs        the engine settings that decide values, in order; with the model directory first
 *                         they are lm-eval's {@code model_args} string ({@link #modelArgsString()})
 * @param device           the kernel backend ({@code --backend}), lm-eval's {@code device}
 * @param batchSize        rows per engine micro-batch
 * @param limit            {@code --limit} (an integer, or a fraction below 1), or null
 * @param maxLength        the context length in tokens
 * @param endOfTextId      the tokenizer's {@code <|endoftext|>} id, or null if it has none
 * @param environment      one line naming the runtime (Java, OS, Spark), lm-eval's {@code pretty_env_info}
 * @param started          when the evaluation began (lm-eval's {@code date}, {@code start_time})
 * @param finished         when it ended; also the files' timestamp
 */
public record LmEvalRun(Task task, List<Sample> allSamples, Path modelDir, String modelFingerprint,
        Map<String, Object> modelArgs, String device, int batchSize, Number limit, int maxLength,
        Integer endOfTextId, String environment, Instant started, Instant finished) {

    public LmEvalRun {
        Objects.requireNonNull(task, "task");
        allSamples = List.copyOf(allSamples);
        Objects.requireNonNull(modelDir, "modelDir");
        modelArgs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(modelArgs));
        Objects.requireNonNull(started, "started");
        Objects.requireNonNull(finished, "finished");
    }

    /** {@code pretrained=DIR,key=value,...}, the form lm-eval's command line takes and records. */
    public String modelArgsString() {
        StringBuilder out = new StringBuilder("pretrained=").append(modelDir);
        modelArgs.forEach((key, value) -> out.append(',').append(key).append('=').append(value));
        return out.toString();
    }
}
