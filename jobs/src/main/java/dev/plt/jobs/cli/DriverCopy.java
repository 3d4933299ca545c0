package dev.plt.jobs.cli;

import dev.plt.jobs.output.OutputErrors;
import dev.plt.jobs.output.OutputLocation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;

/**
 * Task data on the driver from wherever it is: a local path as it is, and a file or directory on any other
 * Hadoop file system (hdfs://, s3a://, ...) copied into a temporary local directory that is deleted when the
 * JVM exits. Task data is small (benchmark files) and read on the driver, so a copy is the simple way to
 * let the task readers keep reading local files.
 */
final class DriverCopy {
    private DriverCopy() {
    }

    /** {@code given} as a local path, copying it first when it is on another file system. */
    static Path local(String option, String given, Configuration conf) {
        org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(given);
        String scheme = path.toUri().getScheme();
        if (scheme == null || scheme.equals("file")) {
            return scheme == null ? Path.of(given) : Path.of(path.toUri());
        }
        FileSystem fs = OutputLocation.fileSystemOf(option, given, path, conf);
        try {
            if (!fs.exists(path)) {
                throw new IllegalArgumentException(option + " " + given + ": no such file or directory");
            }
            Path dir = Files.createTempDirectory("plt-task-data-");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
            Path copy = dir.resolve(path.getName());
            fs.copyToLocalFile(false, path, new org.apache.hadoop.fs.Path(copy.toUri()), true);
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException(option + " " + given + ": cannot copy it to the driver: "
                    + OutputErrors.describe(e), e);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a temporary directory: what is left is the system's to clean
        }
    }
}
