package dev.plt.jobs.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.plt.model.config.ConfigLoader;
import dev.plt.model.inference.EngineOptions;
import dev.plt.model.loop.KvFootprint;
import dev.plt.model.checkpoint.RandomCheckpoint;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code plt bench --models}: one row per checkpoint, KV bytes from the live caches equal to the formula. */
class CheckpointBenchTest {
    @TempDir
    Path dir;

    @Test
    void measuresEachCheckpointAndAgreesWithTheKvFormula() throws Exception {
        Path nonLoop = RandomCheckpoint.write(dir.resolve("a"), RandomCheckpoint.Spec.small().withLoops(1, "parallel"));
        Path plt2 = RandomCheckpoint.write(dir.resolve("b"), RandomCheckpoint.Spec.small());
        List<CheckpointBench.Row> rows = CheckpointBench.run(List.of(nonLoop, plt2), EngineOptions.defaults(), 8, 1, 2,
                3, 64, message -> { });
        assertEquals(List.of("a", "b"), rows.stream().map(CheckpointBench.Row::model).toList());
        assertEquals("non-loop", rows.get(0).family());
        assertTrue(rows.get(1).family().startsWith("PLT-2 (G-SWA"), rows.get(1).family());
        for (CheckpointBench.Row row : rows) {
            assertTrue(row.decodeMsPerToken() > 0, row.toString());
            assertEquals(row.kvFormula(), row.kvBytes(), row.toString());
        }
        long nonLoopKv = KvFootprint.bytesPerSequence(ConfigLoader.load(nonLoop), 64);
        assertEquals(nonLoopKv, rows.get(0).kvBytes());
        assertTrue(rows.get(1).kvBytes() > nonLoopKv, "G-SWA windows add to the loop-1 cache");
        String table = CheckpointBench.markdown(rows, 64);
        assertEquals(4, table.lines().count(), table);
    }
}
