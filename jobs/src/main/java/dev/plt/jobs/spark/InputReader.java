package dev.plt.jobs.spark;

import dev.plt.datasets.readers.DataFormat;
import dev.plt.datasets.readers.DataReaders;
import dev.plt.datasets.readers.ReadOptions;
import dev.plt.datasets.readers.ReadResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;

/** Reads a job's input in one of the four formats, chosen by option or by file extension. */
final class InputReader {
    private InputReader() {
    }

    /**
     * The input's format: {@code explicit}, else the extension of the file or of a directory's files
     * (Parquet if they have none). A directory mixing formats is refused here, before Spark starts.
     */
    static DataFormat formatOf(Path input, String explicit) {
        if (!Files.exists(input)) {
            throw new IllegalArgumentException("--input " + input + ": no such file or directory");
        }
        Optional<DataFormat> ofFiles = Files.isDirectory(input)
                ? DataFormat.ofFiles("--input " + input, dataFiles(input)) : Optional.empty();
        if (explicit != null) {
            return DataFormat.of(explicit);
        }
        if (Files.isDirectory(input)) {
            return ofFiles.orElse(DataFormat.PARQUET);
        }
        return DataFormat.fromFileName(input.getFileName().toString()).orElseThrow(() -> new IllegalArgumentException(
                "--input " + input + ": cannot tell the format from the extension; give --format jsonl|parquet|csv|arrow"));
    }

    /** The names of a directory's data files: regular files whose names do not start with '_' or '.', as Spark. */
    private static List<String> dataFiles(Path dir) {
        try (Stream<Path> children = Files.list(dir)) {
            return children.filter(Files::isRegularFile).map(p -> p.getFileName().toString())
                    .filter(name -> !name.startsWith("_") && !name.startsWith(".")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("--input " + dir + ": cannot list it", e);
        }
    }

    /**
     * CSV is read with multi-line records, so that a quoted newline stays in its field.
     *
     * @param csvHeader whether a CSV file's first line names its columns
     * @param failFast  throw, naming the first malformed JSONL/CSV line, instead of setting malformed lines aside
     */
    static ReadResult read(SparkSession spark, Path input, DataFormat format, boolean csvHeader, boolean failFast) {
        return DataReaders.read(spark, input.toAbsolutePath().toString(),
                ReadOptions.defaults().withFormat(format).withHeader(csvHeader).withMultiLine(true)
                        .withFailFast(failFast));
    }
}
