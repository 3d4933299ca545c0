package dev.plt.jobs.spark;

import dev.plt.datasets.readers.DataFormat;
import dev.plt.datasets.readers.DataReaders;
import dev.plt.datasets.readers.ReadOptions;
import dev.plt.datasets.readers.ReadResult;
import dev.plt.jobs.output.InputFingerprint;
import dev.plt.jobs.output.OutputErrors;
import dev.plt.jobs.output.OutputLocation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Option;

/**
 * Where a score/generate job reads (a picocli mixin): a path or any Hadoop file system URI (a file, a
 * directory of part files, a partitioned dataset, a glob), or a catalog table. JSONL and CSV go through
 * the project's readers, so a bad line becomes an error row naming its file and line on every file
 * system; Parquet and Arrow likewise; any other Spark source (orc, json, text, avro, delta, ...) is read
 * by Spark as it is, with {@code --input-option}s passed through.
 */
public final class JobInput {
    /** The formats the project's own readers handle (with the per-line error contract for JSONL and CSV). */
    private static final List<String> OWN_FORMATS = List.of("jsonl", "csv", "parquet", "arrow");

    @Option(names = "--input", paramLabel = "PATH|URI",
            description = "Input: a file, a directory (of part files, partitioned or not) or a glob, local or on any "
                    + "Hadoop file system (file://, hdfs://, s3a://, abfss://, gs:// with their connectors).")
    String location;

    @Option(names = "--input-table", paramLabel = "TABLE", description = "Read a catalog table instead of --input.")
    String table;

    @Option(names = {"--input-format", "--format"}, paramLabel = "FMT",
            description = "jsonl, csv, parquet, arrow (bad JSONL/CSV lines become error rows), or any Spark source "
                    + "(orc, json, text, avro, delta, ...). Default: from the file extension.")
    String format;

    @Option(names = "--input-option", paramLabel = "KEY=VALUE",
            description = "An option for Spark's reader (repeatable), e.g. --input-option compression=gzip.")
    Map<String, String> options = new LinkedHashMap<>();

    @Option(names = "--csv-no-header", description = "CSV input has no header line (columns are then _c0, _c1, ...).")
    boolean csvWithoutHeader;

    /** The format to read with, checked before Spark starts: one of ours, or a Spark source name. */
    private String resolvedFormat;
    private FileSystem fs;
    private Path path;
    /** What --input matched, and the data files under it: listed once, in {@link #check}. */
    private List<FileStatus> matched;
    private List<FileStatus> dataFiles;

    /** Checks the input before Spark starts: exactly one of --input / --input-table, that it exists, its format. */
    public void check(Configuration conf) {
        if ((location == null) == (table == null)) {
            throw new IllegalArgumentException("give --input PATH or --input-table TABLE (exactly one)");
        }
        if (table != null) {
            resolvedFormat = format == null ? null : format.strip().toLowerCase(Locale.ROOT);
            return;
        }
        try {
            path = new Path(location);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--input " + location + ": not a valid path or URI (" + e.getMessage()
                    + ")");
        }
        fs = OutputLocation.fileSystemOf("--input", location, path, conf);
        List<FileStatus> matches = matches();
        if (matches.isEmpty()) {
            throw new IllegalArgumentException("--input " + location + ": no such file or directory");
        }
        List<FileStatus> files = new ArrayList<>();
        for (FileStatus match : matches) {
            if (match.isDirectory()) {
                collectFiles(match, files);
            } else {
                files.add(match);
            }
        }
        matched = matches;
        dataFiles = files;
        Optional<DataFormat> ofFiles = DataFormat.ofFiles("--input " + location,
                files.stream().map(f -> f.getPath().getName()).toList());
        if (format != null) {
            resolvedFormat = format.strip().toLowerCase(Locale.ROOT);
        } else if (matches.size() == 1 && matches.get(0).isFile()) {
            resolvedFormat = DataFormat.fromFileName(matches.get(0).getPath().getName())
                    .map(f -> f.name().toLowerCase(Locale.ROOT)).orElseThrow(() -> new IllegalArgumentException(
                            "--input " + location + ": cannot tell the format from the extension; give --input-format "
                                    + "jsonl|csv|parquet|arrow or a Spark source name (orc, json, text, ...)"));
        } else {
            resolvedFormat = ofFiles.map(f -> f.name().toLowerCase(Locale.ROOT)).orElse("parquet");
        }
    }

    /** The local paths of a local input (a glob's matches), which the output must stay clear of; else none. */
    public List<java.nio.file.Path> localPaths() {
        if (fs == null || !(fs instanceof LocalFileSystem || "file".equals(fs.getScheme()))) {
            return List.of();
        }
        return matched.stream().map(m -> java.nio.file.Path.of(fs.makeQualified(m.getPath()).toUri())).toList();
    }

    /** What the input is, for records and messages: the qualified URI or {@code table:NAME}. */
    public String describe() {
        return table != null ? "table:" + table : fs.makeQualified(path).toString();
    }

    /** The input's fingerprint (files, sizes, modification times), for {@code --resume}. */
    public InputFingerprint fingerprint(SparkSession spark) {
        if (table == null) {
            return InputFingerprint.of(fs.makeQualified(path).toString(), dataFiles);
        }
        requireTable(spark);
        List<FileStatus> files = new ArrayList<>();
        for (String file : spark.table(table).inputFiles()) {
            Path p = new Path(file);
            try {
                files.add(p.getFileSystem(spark.sparkContext().hadoopConfiguration()).getFileStatus(p));
            } catch (IOException e) {
                throw new UncheckedIOException("--input-table " + table + ": cannot read " + file + ": "
                        + OutputErrors.describe(e), e);
            }
        }
        return InputFingerprint.of("table:" + table, files);
    }

    /**
     * Reads the input.
     *
     * @param failFast throw, naming the first malformed JSONL/CSV line, instead of setting malformed lines aside
     */
    public ReadResult read(SparkSession spark, boolean failFast) {
        if (table != null) {
            requireTable(spark);
            return ReadResult.withoutMalformed(spark.table(table));
        }
        String uri = fs.makeQualified(path).toString();
        if (OWN_FORMATS.contains(resolvedFormat)) {
            return DataReaders.read(spark, uri, ReadOptions.defaults().withFormat(DataFormat.of(resolvedFormat))
                    .withHeader(!csvWithoutHeader).withMultiLine(true).withFailFast(failFast).withSparkOptions(options));
        }
        DataFrameReader reader = spark.read().format(resolvedFormat).options(options);
        try {
            return ReadResult.withoutMalformed(reader.load(uri));
        } catch (RuntimeException e) {
            if (e.getClass().getSimpleName().contains("DataSourceNotFound") || hasCause(e, ClassNotFoundException.class)) {
                throw new IllegalArgumentException("--input-format " + format + ": no such Spark source on the classpath "
                        + "(add its package, e.g. --packages for avro or delta)");
            }
            throw e;
        }
    }

    private void requireTable(SparkSession spark) {
        if (!spark.catalog().tableExists(table)) {
            throw new IllegalArgumentException("--input-table " + table + ": no such table in the catalog");
        }
    }

    private List<FileStatus> matches() {
        try {
            FileStatus[] found = fs.globStatus(path);
            return found == null ? List.of() : List.of(found);
        } catch (IOException e) {
            throw new UncheckedIOException("--input " + location + ": cannot list it: " + OutputErrors.describe(e), e);
        }
    }

    /** Data files under a directory, partition subdirectories included; hidden names skipped, as Spark does. */
    private void collectFiles(FileStatus status, List<FileStatus> out) {
        String name = status.getPath().getName();
        if (name.startsWith("_") || name.startsWith(".")) {
            return;
        }
        if (status.isFile()) {
            out.add(status);
            return;
        }
        try {
            for (FileStatus child : fs.listStatus(status.getPath())) {
                collectFiles(child, out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("--input " + location + ": cannot list " + status.getPath() + ": "
                    + OutputErrors.describe(e), e);
        }
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
