package dev.plt.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.plt.jobs.SharedSpark;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.spark.SparkException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Failures that come from the machine, not the job (a full disk, a permission, the heap, the stack), are
 * one line naming the cause and what to do, whatever depth of Spark's wrapping they arrive in.
 */
@ExtendWith(SharedSpark.class)
class FailureMessagesTest {
    @Test
    void aFullDiskDeepInsideSparksAbortIsOneLine() {
        IOException disk = new IOException("No space left on device");
        Throwable wrapped = new SparkException("Job aborted due to stage failure: Task 3 in stage 2.0 failed 1 times, "
                + "most recent failure: ...\n\tat org.apache.spark...\n(616 more lines)",
                new RuntimeException("Task failed while writing rows", disk));
        String line = PltCli.describe(wrapped);
        assertEquals("the disk is full (No space left on device)", line);
    }

    @Test
    void usageMistakesAndRuntimeFailuresHaveTheirOwnExitCodes() {
        assertEquals(PltCli.EXIT_BAD_SETUP, PltCli.exitCode(new IllegalArgumentException("--batch-size must be ...")));
        assertEquals(PltCli.EXIT_BAD_SETUP, PltCli.exitCode(new SparkException("Job aborted",
                new dev.plt.model.io.ModelFileException("model.safetensors: tensor 'x' holds NaN"))));
        assertEquals(PltCli.EXIT_RUNTIME_FAILURE, PltCli.exitCode(new SparkException("Job aborted",
                new IOException("No space left on device"))));
        assertEquals(PltCli.EXIT_RUNTIME_FAILURE, PltCli.exitCode(new SparkException("Job aborted",
                new OutOfMemoryError("Java heap space"))));
        assertEquals(PltCli.EXIT_RUNTIME_FAILURE, PltCli.exitCode(new SparkException("executor lost")));
    }

    @Test
    void noCommandIsAUsageMistake() {
        java.io.StringWriter err = new java.io.StringWriter();
        assertEquals(PltCli.EXIT_BAD_SETUP, PltCli.execute(new java.io.PrintWriter(err, true)));
        assertTrue(err.toString().contains("give a command"), err.toString());
    }

    @Test
    void aPermissionProblemIsNamed() {
        String line = PltCli.describe(new SparkException("Job aborted", new java.nio.file.AccessDeniedException(
                "/data/out/part-00000")));
        assertTrue(line.startsWith("permission denied"), line);
        assertTrue(line.contains("/data/out/part-00000"), line);
    }

    @Test
    void outOfMemoryAndDeepStacksSayWhatToDo() {
        String oom = PltCli.describe(new SparkException("Job aborted", new OutOfMemoryError("Java heap space")));
        assertTrue(oom.startsWith("out of memory (Java heap space)") && oom.contains("-Xmx"), oom);
        assertEquals(1, oom.lines().count());
        String stack = PltCli.describe(new UncheckedIOException(new IOException("x", new StackOverflowError())));
        assertTrue(stack.startsWith("stack overflow"), stack);
    }
}
