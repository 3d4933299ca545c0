package dev.plt.jobs.spark;

import dev.plt.datasets.readers.DataFormat;
import dev.plt.datasets.readers.DataReaders;
import dev.plt.datasets.readers.ReadOptions;
import dev.plt.datasets.readers.ReadResult;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;

/** Reads a job's input in one of the four formats, chosen by option or by file extension. */
final class InputReader {
    private InputReader() {
    }

    static DataFormat formatOf(Path input, String explicit) {
        if (!Files.exists(input)) {
            throw new IllegalArgumentException("--input " + input + ": no such file or directory");
        }
        if (explicit != null) {
            return DataFormat.of(explicit);
        }
        if (Files.isDirectory(input)) {
            return DataFormat.PARQUET;
        }
        return DataFormat.fromFileName(input.getFileName().toString()).orElseThrow(() -> new IllegalArgumentException(
                "--input " + input + ": cannot tell the format from the extension; give --format jsonl|parquet|csv|arrow"));
    }

    /**
     * @param csvHeader whether a CSV file's first line names its columns
     * @param failFast  throw, naming the first malformed JSONL/CSV line, instead of setting malformed lines aside
     */
    static ReadResult read(SparkSession spark, Path input, DataFormat format, boolean csvHeader, boolean failFast) {
        return DataReaders.read(spark, input.toAbsolutePath().toString(),
                ReadOptions.defaults().withFormat(format).withHeader(csvHeader).withFailFast(failFast));
    }
}
