package dev.plt.jobs.output;

import dev.plt.datasets.tasks.RequestType;
import dev.plt.udfs.lm.LmResponse;
import dev.plt.udfs.lm.ResponseCache;
import dev.plt.udfs.lm.ResponseRows;
import dev.plt.udfs.lm.ResponseSink;
import dev.plt.udfs.ml.PltTransformer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * evaluate's answers, kept in its output directory ({@code DIR/responses/}, Parquet, one row per answered
 * request keyed by its request hash) so that a killed evaluation can be resumed: the answers are appended
 * as the Spark job computes them, each partition's part file committed on its own ({@link CommittedOutput}),
 * so a kill loses only the partitions in flight; a resumed run reuses every successful answer and asks
 * the model only for the rest ({@code CachingLM}).
 */
public final class ResponseStore implements ResponseCache, ResponseSink {
    /** The store's directory inside an evaluate output. */
    public static final String DIRECTORY = "responses";

    private final SparkSession spark;
    private final OutputLocation dir;
    private final CommittedOutput parts;

    public ResponseStore(SparkSession spark, OutputLocation output) {
        this.spark = spark;
        this.dir = output.child(DIRECTORY);
        this.parts = new CommittedOutput(dir, "parquet");
    }

    @Override
    public Map<String, LmResponse> answered(Set<String> keys, RequestType type) {
        Map<String, LmResponse> out = new HashMap<>();
        for (Row row : rows(keys)) {
            if (!ResponseRows.isError(row)) {
                out.putIfAbsent(ResponseRows.key(row), ResponseRows.toResponse(row, type));
            }
        }
        return out;
    }

    @Override
    public List<Row> collect(Dataset<Row> responses, PltTransformer transformer, long rows) {
        Set<String> before = dir.exists() ? new HashSet<>(parts.partFiles()) : Set.of();
        parts.append(responses);
        // Read back from the files this job committed: the answers are the bits that were stored.
        List<String> added = parts.partFiles().stream().filter(name -> !before.contains(name))
                .map(name -> dir.child(name).path().toString()).toList();
        return read(added);
    }

    /** The stored rows whose key is in {@code keys}. */
    private List<Row> rows(Set<String> keys) {
        if (!dir.exists() || parts.partFiles().isEmpty()) {
            return List.of();
        }
        List<Row> out = new ArrayList<>();
        for (Row row : read(List.of(dir.path().toString()))) {
            if (keys.contains(ResponseRows.key(row))) {
                out.add(row);
            }
        }
        return out;
    }

    private List<Row> read(List<String> paths) {
        if (paths.isEmpty()) {
            return List.of();
        }
        return spark.read().schema(ResponseRows.SCHEMA).parquet(paths.toArray(String[]::new)).collectAsList();
    }
}
