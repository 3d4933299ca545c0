package dev.plt.jobs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A job's spark-submit main in a JVM of its own (the shaded job jar on Spark's jars, the project's JVM
 * flags), for tests that kill a job mid-way. Needs the {@code plt.jobJar} and {@code plt.sparkHome}
 * properties the build gives integration tests.
 */
public final class ChildJob {
    private ChildJob() {
    }

    /** Starts {@code dev.plt.jobs.submit.<Job>} with {@code args}; stdout and stderr go to {@code log}. */
    public static Process start(String job, List<String> args, Path log) throws IOException {
        Path jobJar = Path.of(System.getProperty("plt.jobJar"));
        Path sparkJars = Path.of(System.getProperty("plt.sparkHome")).resolve("jars");
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(jvmFlags());
        command.addAll(List.of("-Xmx1g", "-cp", jobJar + java.io.File.pathSeparator + sparkJars + "/*",
                "dev.plt.jobs.submit." + Character.toUpperCase(job.charAt(0)) + job.substring(1)));
        command.addAll(args);
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** How many {@code part-} files a directory holds (0 when it does not exist). */
    public static int partFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return (int) files.filter(p -> p.getFileName().toString().startsWith("part-")).count();
        }
    }

    private static List<String> jvmFlags() throws IOException {
        Path options = Path.of(System.getProperty("user.dir")).resolve("../conf/jvm.options").normalize();
        try (Stream<String> lines = Files.lines(options)) {
            return lines.map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        }
    }
}
