package dev.plt.jobs.output;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What counts as an earlier plt output, on the real file system: evaluate's files for one task and for
 * several (samples/TASK/, report_TASK.html), its response store (responses/, with Spark's _temporary left
 * by a killed run), and nothing more; deleting one removes only those names.
 */
class OwnFilesTest {
    @TempDir
    Path dir;

    private Path evaluateOutput(String name) throws IOException {
        Path out = Files.createDirectories(dir.resolve(name));
        new RunManifest(new TreeMap<>(Map.of("job", "evaluate"))).write(OutputLocation.local(out), null, null);
        Files.writeString(out.resolve("metrics.json"), "{}");
        Files.writeString(out.resolve("report_mmlu_stem.html"), "<html></html>");
        Files.writeString(out.resolve("results_2026-12-03T16-00-00.000000.json"), "{}");
        Path task = Files.createDirectories(out.resolve("samples/mmlu_stem"));
        Files.writeString(task.resolve("part-00000-abc.snappy.parquet"), "x");
        Files.writeString(task.resolve("._SUCCESS.crc"), "x");
        Files.writeString(task.resolve("_SUCCESS"), "");
        return out;
    }

    @Test
    void aSeveralTaskEvaluationIsPltsOwnAndIsDeletedWhole() throws IOException {
        Path out = evaluateOutput("several");
        OutputGuard.checkOwn(OutputLocation.local(out));
        assertTrue(OutputGuard.deleteOwnOutput(OutputLocation.local(out)));
        assertFalse(Files.exists(out));
    }

    @Test
    void aKilledEvaluationsResponseStoreIsPltsOwnAndIsDeletedWhole() throws IOException {
        Path out = evaluateOutput("killed");
        Path responses = Files.createDirectories(out.resolve(ResponseStore.DIRECTORY));
        Files.writeString(responses.resolve("part-00003-4f1c.c000.snappy.parquet"), "x");
        Files.writeString(responses.resolve(".part-00003-4f1c.c000.snappy.parquet.crc"), "x");
        Path work = Files.createDirectories(responses.resolve("_temporary/0/_temporary/attempt_1"));
        Files.writeString(work.resolve("part-00004-4f1c.c000.snappy.parquet"), "x");
        OutputGuard.checkOwn(OutputLocation.local(out));
        assertTrue(OutputGuard.deleteOwnOutput(OutputLocation.local(out)));
        assertFalse(Files.exists(out));
    }

    @Test
    void aForeignFileAnywhereInsideMakesItForeign() throws IOException {
        for (String foreign : new String[] {"notes.txt", "samples/mine.csv", "samples/mmlu_stem/notes.txt",
            "samples/mmlu_stem/deeper/part-00000-x.parquet", "responses/notes.txt", "responses/mine/part-00000-x.parquet"}) {
            Path out = evaluateOutput("with-" + foreign.replace('/', '_'));
            Path file = out.resolve(foreign);
            Files.createDirectories(file.getParent());
            Files.writeString(file, "the user's");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> OutputGuard.checkOwn(OutputLocation.local(out)));
            assertTrue(e.getMessage().contains("which plt did not write"), e.getMessage());
            assertFalse(OutputGuard.deleteOwnOutput(OutputLocation.local(out)), "left in place");
            assertTrue(Files.exists(file), foreign + " survives");
        }
    }
}
