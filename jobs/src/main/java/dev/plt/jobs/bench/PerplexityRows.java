package dev.plt.jobs.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plt.datasets.tasks.LoglikelihoodRollingRequest;
import dev.plt.datasets.tasks.Request;
import dev.plt.datasets.tasks.Sample;
import dev.plt.datasets.tasks.SampleLimit;
import dev.plt.datasets.tasks.Task;
import dev.plt.model.inference.EngineOptions;
import dev.plt.model.inference.LengthLimit;
import dev.plt.model.inference.PltModel;
import dev.plt.udfs.batch.Prepared;
import dev.plt.udfs.tasks.RollingTask;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The rows {@code evaluate --task perplexity} computes, as {@code plt infer} input: each document of the
 * task cut into lm-eval's rolling windows by the very code the executors run ({@link RollingTask}), one
 * infer line per window. Both sides then run the same token sequences through the same engine.
 *
 * @param windows          the infer input, one line per window
 * @param documents        documents (evaluate's samples)
 * @param windowCount      windows over all documents
 * @param tokens           tokens of all windows: the positions the engine runs on either side
 * @param predictedTokens  tokens whose log-probability counts (each document token once)
 * @param documentBytes    UTF-8 bytes of the documents (bits per byte divides by them)
 */
record PerplexityRows(Path windows, int documents, int windowCount, long tokens, long predictedTokens,
        long documentBytes, List<Integer> predictedPerWindow) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The first {@code limit} documents of {@code task} (made with the options {@code evaluate} is given). */
    static PerplexityRows write(Path model, Task task, int limit, int maxLength, Path file) throws IOException {
        List<Sample> samples = SampleLimit.parse(Integer.toString(limit)).apply(task.samples());
        StructType schema = new StructType().add("document", DataTypes.StringType);
        RollingTask rolling = new RollingTask("document", new LengthLimit(maxLength, LengthLimit.Overlong.TRUNCATE_LEFT));
        StringBuilder lines = new StringBuilder();
        List<Integer> predictedPerWindow = new ArrayList<>();
        int windowCount = 0;
        long tokens = 0;
        long predicted = 0;
        long bytes = 0;
        try (PltModel engine = PltModel.load(model, EngineOptions.defaults().withThreads(1))) {
            for (Sample sample : samples) {
                for (Request request : sample.requests()) {
                    if (!(request instanceof LoglikelihoodRollingRequest rolled)) {
                        throw new IllegalArgumentException("task " + task.name() + " is not a perplexity task: sample "
                                + sample.id() + " asks " + request.type());
                    }
                    bytes += rolled.document().getBytes(StandardCharsets.UTF_8).length;
                    Prepared prepared = rolling.prepare(engine, new GenericRowWithSchema(new Object[] {rolled.document()},
                            schema));
                    for (int w = 0; w < prepared.windowIds().size(); w++) {
                        int[] ids = prepared.windowIds().get(w);
                        lines.append(JSON.writeValueAsString(Map.of("id", sample.id() + "#" + w, "input_ids", ids)))
                                .append('\n');
                        predictedPerWindow.add(prepared.windowTargets()[w]);
                        tokens += ids.length;
                        predicted += prepared.windowTargets()[w];
                        windowCount++;
                    }
                }
            }
        }
        Files.writeString(file, lines);
        return new PerplexityRows(file, samples.size(), windowCount, tokens, predicted, bytes,
                List.copyOf(predictedPerWindow));
    }
}
