package dev.plt.datasets.readers;

import java.util.List;
import java.util.Optional;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * Reads JSONL, CSV, Parquet or Arrow IPC into a Spark {@code Dataset<Row>}:
 * <pre>
 *   ReadResult r = DataReaders.read(spark, "data/eval.jsonl", ReadOptions.defaults());
 *   Dataset&lt;Row&gt; rows = r.rows();                    // the well-formed rows
 *   long bad = r.malformedCount();                      // JSONL/CSV lines that did not parse
 *   r.malformedRecords(10).forEach(m -&gt; log(m.describe()));   // file:line: text
 * </pre>
 * Malformed JSONL/CSV lines never fail the job unless {@link ReadOptions#failFast()} asks for it. The
 * format comes from {@link ReadOptions#format()} or else from the file extension (for a directory, from
 * its data files, which must all be of one format).
 */
public final class DataReaders {
    private DataReaders() {
    }

    public static ReadResult read(SparkSession spark, String path) {
        return read(spark, path, ReadOptions.defaults());
    }

    /**
     * @throws MalformedInputException in fail-fast mode, naming the first malformed line (this costs a
     *                                 pass over the input at read time)
     */
    public static ReadResult read(SparkSession spark, String path, ReadOptions options) {
        Optional<DataFormat> ofFiles = DataFormat.ofFiles(path, LineIndexedText.list(spark, path).stream()
                .map(f -> new Path(f).getName()).toList()); // refuses files of several formats
        DataFormat format = options.format() != null ? options.format() : DataFormat.fromFileName(path)
                .or(() -> ofFiles).orElseThrow(() -> new IllegalArgumentException("cannot tell the format of " + path
                        + " from its name; set ReadOptions.withFormat(jsonl|csv|parquet|arrow)"));
        ReadResult result = switch (format) {
            case JSONL -> JsonLinesReader.read(spark, path, options);
            case CSV -> CsvReader.read(spark, path, options);
            case PARQUET -> ReadResult.withoutMalformed(options.schema() == null
                    ? spark.read().options(options.sparkOptions()).parquet(path)
                    : spark.read().options(options.sparkOptions()).schema(options.schema()).parquet(path));
            case ARROW -> ArrowIpcReader.read(spark, path);
        };
        if (options.failFast()) {
            List<MalformedRecord> first = result.malformedRecords(1);
            if (!first.isEmpty()) {
                throw new MalformedInputException(first.get(0));
            }
        }
        return result;
    }
}
