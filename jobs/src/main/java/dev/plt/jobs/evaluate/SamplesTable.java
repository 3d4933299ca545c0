package dev.plt.jobs.evaluate;

import dev.plt.datasets.tasks.metrics.MetricValue;
import dev.plt.udfs.batch.SparkValues;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code samples/}: one Parquet row per sample with its prompt, choices or output, log-likelihoods,
 * prediction, target, per-sample metric values, correctness and error.
 */
public final class SamplesTable {
    private static final StructType SCHEMA = new StructType()
            .add("sample_id", DataTypes.StringType)
            .add("subject", DataTypes.StringType)
            .add("prompt", DataTypes.StringType)
            .add("choices", DataTypes.createArrayType(DataTypes.StringType))
            .add("output", DataTypes.StringType)
            .add("loglikelihoods", DataTypes.createArrayType(DataTypes.DoubleType))
            .add("prediction", DataTypes.StringType)
            .add("target", DataTypes.StringType)
            .add("metrics", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType))
            .add("correct", DataTypes.BooleanType)
            .add("error", DataTypes.StringType)
            .add("error_kind", DataTypes.StringType)
            .add("prompt_tokens", DataTypes.IntegerType)
            .add("completion_tokens", DataTypes.IntegerType);

    private SamplesTable() {
    }

    /**
     * Whether the sample counts as right by the task's first metric (acc, exact_match); null for
     * metrics that are not right/wrong (perplexity) and for errors.
     */
    static Boolean correct(SampleOutcome outcome) {
        if (outcome.score() == null || outcome.score().metrics().isEmpty()) {
            return null;
        }
        MetricValue first = outcome.score().metrics().values().iterator().next();
        return first.value() == 0 || first.value() == 1 ? first.value() == 1 : null;
    }

    public static void write(SparkSession spark, List<SampleOutcome> outcomes, String path) {
        List<Row> rows = new ArrayList<>();
        for (SampleOutcome o : outcomes) {
            Map<String, Double> metrics = new LinkedHashMap<>();
            if (o.score() != null) {
                o.score().metrics().forEach((name, value) -> metrics.put(name, value.value()));
            }
            rows.add(RowFactory.create(
                    o.sample().id(),
                    o.sample().subject(),
                    o.sample().requests().isEmpty() ? null : promptOf(o),
                    SparkValues.seq(o.sample().choices()),
                    o.output(),
                    SparkValues.seq(o.loglikelihoods()),
                    o.score() == null ? null : o.score().prediction(),
                    o.sample().target(),
                    scala.jdk.javaapi.CollectionConverters.asScala(metrics),
                    correct(o),
                    o.error(),
                    o.errorKind(),
                    o.promptTokens(),
                    o.completionTokens()));
        }
        Dataset<Row> table = spark.createDataFrame(rows, SCHEMA).coalesce(1);
        table.write().mode(SaveMode.Overwrite).parquet(path);
    }

    static String promptOf(SampleOutcome o) {
        var request = o.sample().requests().get(0);
        if (request instanceof dev.plt.datasets.tasks.LoglikelihoodRequest ll) {
            return ll.context();
        } else if (request instanceof dev.plt.datasets.tasks.GenerateUntilRequest g) {
            return g.context();
        }
        return ((dev.plt.datasets.tasks.LoglikelihoodRollingRequest) request).document();
    }

}
