package dev.plt.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.plt.model.checkpoint.RandomCheckpoint;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code plt infer} in a JVM of its own (the real main, the test classpath): a run that dies of a tight
 * heap, or is killed, leaves yesterday's output exactly as it was and no partial file at its path.
 */
class InferChildProcessTest {
    @TempDir
    Path dir;
    Path model;

    @BeforeEach
    void setUp() {
        model = RandomCheckpoint.write(dir.resolve("model"), RandomCheckpoint.Spec.small());
    }

    @Test
    void outOfMemoryIsOneLineSayingWhatToDoAndTheOldOutputStays() throws Exception {
        Path input = dir.resolve("big-line.jsonl");
        try (BufferedWriter out = Files.newBufferedWriter(input, StandardCharsets.UTF_8)) {
            for (int i = 0; i < 20; i++) {
                out.write("{\"id\": " + i + ", \"input_ids\": [5, 6, 7]}\n"); // rows written before it fails
            }
            // 12 MiB, under --max-line-bytes: it is read, decoded and parsed, which 48 MiB of heap cannot hold
            out.write("{\"id\": \"big\", \"text\": \"" + "abcdefgh".repeat(12 << 17) + "\"}\n");
        }
        Path output = previousOutput("oom.jsonl");
        byte[] before = Files.readAllBytes(output);
        Path log = dir.resolve("oom.log");
        Process child = start(log, "-Xmx48m", input, output, "--overwrite", "--batch-size", "1");
        assertTrue(child.waitFor(120, TimeUnit.SECONDS), "the child finished");
        String stderr = Files.readString(log);
        assertEquals(PltCli.EXIT_RUNTIME_FAILURE, child.exitValue(), stderr);
        List<String> lines = stderr.lines().filter(l -> l.startsWith("plt infer:")).toList();
        assertEquals(1, lines.size(), stderr);
        assertTrue(lines.get(0).contains("out of memory") && lines.get(0).contains("--batch-size")
                && lines.get(0).contains("-Xmx"), lines.get(0));
        assertFalse(stderr.contains("OutOfMemoryError") || stderr.contains("\tat "), "no stack trace: " + stderr);
        assertArrayEquals(before, Files.readAllBytes(output), "the old output is as it was");
        assertEquals(List.of(), leftovers());
    }

    @Test
    void aKilledRunLeavesTheOldOutputAndNoPartialFile() throws Exception {
        Path input = dir.resolve("many.jsonl");
        try (BufferedWriter out = Files.newBufferedWriter(input, StandardCharsets.UTF_8)) {
            for (int i = 0; i < 100_000; i++) {
                out.write("{\"id\": " + i + ", \"input_ids\": [5, 6, 7, 8, 9, 10, 11, 12], \"max_new_tokens\": 8}\n");
            }
        }
        // SIGTERM, no previous output: no file at the output path, and the shutdown hook deletes the hidden one.
        Path fresh = dir.resolve("fresh.jsonl");
        Path log = dir.resolve("term.log");
        Process terminated = start(log, "-Xmx256m", input, fresh, "--batch-size", "1");
        awaitRowsWritten(terminated, log);
        terminated.destroy();
        assertTrue(terminated.waitFor(60, TimeUnit.SECONDS));
        assertFalse(Files.exists(fresh), "SIGTERM mid-run: no partial file at the output path");
        assertEquals(List.of(), leftovers(), "SIGTERM mid-run: no hidden file left");

        Path output = previousOutput("killed.jsonl");
        byte[] before = Files.readAllBytes(output);

        // SIGKILL over yesterday's output: no cleanup can run, yet the output path holds the old output.
        log = dir.resolve("kill.log");
        Process killed = start(log, "-Xmx256m", input, output, "--overwrite", "--batch-size", "1");
        awaitRowsWritten(killed, log);
        killed.destroyForcibly();
        assertTrue(killed.waitFor(60, TimeUnit.SECONDS));
        assertArrayEquals(before, Files.readAllBytes(output), "SIGKILL mid-run: the old output is as it was");
        List<Path> left = leftovers();
        assertTrue(left.size() <= 1 && left.stream().allMatch(f -> f.getFileName().toString().startsWith(".")),
                "at most the hidden file: " + left);
    }

    /** A real previous output, from an in-process run of the same command. */
    private Path previousOutput(String name) throws IOException {
        Path input = Files.writeString(dir.resolve(name + ".in"), "{\"id\": \"old\", \"input_ids\": [1, 2, 3]}\n");
        Path output = dir.resolve(name);
        StringWriter err = new StringWriter();
        assertEquals(0, PltCli.execute(new PrintWriter(err, true), "infer", "--model", model.toString(), "--input",
                input.toString(), "--output", output.toString(), "--threads", "1"), err.toString());
        return output;
    }

    private Process start(Path log, String heap, Path input, Path output, String... extra) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(jvmOptions());
        command.addAll(List.of(heap, "-cp", System.getProperty("java.class.path"), PltCli.class.getName(), "infer",
                "--model", model.toString(), "--input", input.toString(), "--output", output.toString(),
                "--threads", "1"));
        command.addAll(List.of(extra));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** bin/plt's JVM flags (conf/jvm.options): the Vector API module and the module openings. */
    private static List<String> jvmOptions() throws IOException {
        Path options = Path.of(System.getProperty("user.dir")).resolveSibling("conf").resolve("jvm.options");
        try (Stream<String> lines = Files.lines(options)) {
            return lines.map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        }
    }

    /** Waits until the child's hidden output file holds rows: the job is mid-run. */
    private void awaitRowsWritten(Process child, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            assertTrue(child.isAlive(), () -> "the child is still running: " + read(log));
            for (Path file : leftovers()) {
                if (Files.size(file) > 1 << 16) {
                    return;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the child wrote no rows in 60 s");
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** Hidden temporary files of the job in the test directory. */
    private List<Path> leftovers() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().contains(".plt-tmp-")).toList();
        }
    }
}
