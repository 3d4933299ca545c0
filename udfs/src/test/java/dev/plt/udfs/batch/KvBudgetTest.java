package dev.plt.udfs.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.plt.model.inference.EngineOptions;
import dev.plt.model.inference.PltModel;
import dev.plt.model.loop.KvFootprint;
import dev.plt.model.rows.MicroBatcher;
import dev.plt.model.checkpoint.RandomCheckpoint;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The KV budget: batch plans never go over it, rows are sized by KvFootprint, slots split it. */
class KvBudgetTest {
    @TempDir
    Path dir;

    @Test
    void noBatchHoldsMoreKvBytesThanTheBoundAndEveryRowIsPlannedOnce() {
        Random random = new Random(7);
        List<long[]> rows = new ArrayList<>(); // {cost, kvBytes}
        for (int i = 0; i < 200; i++) {
            long kv = 1 + random.nextInt(1000);
            rows.add(new long[] {kv / 10 + 1, kv});
        }
        rows.sort((a, b) -> Long.compare(b[0], a[0]));
        long bound = 2500;
        List<List<long[]>> batches = MicroBatcher.split(rows, r -> (int) r[0], r -> r[1], 64, 1 << 20, bound);
        int planned = 0;
        for (List<long[]> batch : batches) {
            long kv = batch.stream().mapToLong(r -> r[1]).sum();
            assertTrue(kv <= bound, "a batch holds " + kv + " KV bytes, over " + bound);
            planned += batch.size();
        }
        assertEquals(rows.size(), planned);
        // The KV bound, not the row bound (64), is what split these rows.
        assertTrue(batches.size() > rows.size() / 64 + 1, batches.size() + " batches");
    }

    @Test
    void rowAndTokenBoundsStillApplyAndAnItemOverTheKvBoundIsABug() {
        List<Integer> costs = List.of(5, 5, 5, 5, 5);
        assertEquals(3, MicroBatcher.split(costs, c -> c, c -> 1L, 2, 100, 100).size());
        assertEquals(5, MicroBatcher.split(costs, c -> c, c -> 1L, 10, 5, 100).size());
        assertEquals(5, MicroBatcher.split(costs, c -> c, c -> 10L, 10, 100, 10).size());
        assertThrows(IllegalArgumentException.class, () -> MicroBatcher.split(costs, c -> c, c -> 11L, 10, 100, 10));
    }

    @Test
    void rowsAreSizedByKvFootprintPromptPlusGeneratedTokensAndOneForkPerChoice() {
        Path model = RandomCheckpoint.write(dir.resolve("m"), RandomCheckpoint.Spec.small().withLoops(3, "parallel"));
        try (PltModel m = PltModel.load(model, EngineOptions.defaults().withThreads(1))) {
            Prepared generate = Prepared.prompt(new int[40], 24);
            assertEquals(KvFootprint.bytesPerSequence(m.config(), 64), KvBudget.bytesOf(m, generate));
            Prepared choices = Prepared.withChoices(new int[30], List.of(new int[2], new int[5]), new int[] {2, 5});
            assertEquals(KvFootprint.bytesPerSequence(m.config(), 30) + KvFootprint.bytesPerSequence(m.config(), 32)
                    + KvFootprint.bytesPerSequence(m.config(), 35), KvBudget.bytesOf(m, choices));
            assertTrue(KvBudget.bytesOf(m, Prepared.prompt(new int[400], 0)) > KvBudget.bytesOf(m, generate));
        }
    }

    @Test
    void theExecutorBudgetIsSplitBetweenTheTasksThatRunAtOnce() {
        assertEquals(4, KvBudget.executorCores(new SparkConf(false).set("spark.master", "local[4]"), 16));
        assertEquals(16, KvBudget.executorCores(new SparkConf(false).set("spark.master", "local[*]"), 16));
        assertEquals(3, KvBudget.executorCores(new SparkConf(false).set("spark.master", "local[3, 2]"), 16));
        assertEquals(1, KvBudget.executorCores(new SparkConf(false).set("spark.master", "local"), 16));
        assertEquals(6, KvBudget.executorCores(new SparkConf(false).set("spark.master", "spark://h:7077")
                .set("spark.executor.cores", "6"), 16));
        assertEquals(16, KvBudget.executorCores(new SparkConf(false).set("spark.master", "spark://h:7077"), 16));
        assertEquals(250, new KvBudget(1000, 4).perTaskBytes());
        // Outside a Spark task: the whole budget, or half the heap by default.
        assertEquals(1000, KvBudget.forThisExecutor(1000).perTaskBytes());
        assertEquals((long) (Runtime.getRuntime().maxMemory() * KvBudget.DEFAULT_HEAP_FRACTION),
                KvBudget.forThisExecutor(0).executorBytes());
    }
}
