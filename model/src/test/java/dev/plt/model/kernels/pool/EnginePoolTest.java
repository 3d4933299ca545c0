package dev.plt.model.kernels.pool;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EnginePoolTest {
    private static final Duration DEADLOCK_TIMEOUT = Duration.ofSeconds(20);

    @Test
    void coversEveryIndexExactlyOnce() {
        for (int threads : new int[] {1, 2, 3, 5}) {
            try (EnginePool pool = new EnginePool(threads)) {
                assertEquals(threads, pool.threads());
                for (int count : new int[] {0, 1, 2, 3, 7, 64, 1000, 12345}) {
                    for (int grain : new int[] {1, 3, 1000}) {
                        AtomicIntegerArray hits = new AtomicIntegerArray(count);
                        pool.parallelFor(count, grain, (start, end) -> {
                            assertTrue(0 <= start && start < end && end <= count, start + ".." + end);
                            for (int i = start; i < end; i++) {
                                hits.incrementAndGet(i);
                            }
                        });
                        for (int i = 0; i < count; i++) {
                            assertEquals(1, hits.get(i), "threads=" + threads + " count=" + count + " index " + i);
                        }
                    }
                }
            }
        }
    }

    @Test
    void singleThreadOrSmallLoopsRunInlineAsOneRange() {
        Thread caller = Thread.currentThread();
        try (EnginePool one = new EnginePool(1); EnginePool two = new EnginePool(2)) {
            List<int[]> ranges = new ArrayList<>();
            one.parallelFor(100, (s, e) -> {
                assertSame(caller, Thread.currentThread());
                ranges.add(new int[] {s, e});
            });
            two.parallelFor(100, 60, (s, e) -> { // fewer than 2 grains: not worth splitting
                assertSame(caller, Thread.currentThread());
                ranges.add(new int[] {s, e});
            });
            assertEquals(2, ranges.size());
            assertEquals(0, ranges.get(0)[0]);
            assertEquals(100, ranges.get(0)[1]);
            assertEquals(100, ranges.get(1)[1]);
        }
    }

    @Test
    void runsOnNamedDaemonWorkersAndTheCaller() {
        Set<Thread> seen = ConcurrentHashMap.newKeySet();
        try (EnginePool pool = new EnginePool(2)) {
            pool.parallelFor(16, (s, e) -> {
                seen.add(Thread.currentThread());
                sleep(5); // long enough that the worker picks up some chunks
            });
        }
        assertTrue(seen.contains(Thread.currentThread()), "the caller takes part");
        Thread worker = seen.stream().filter(t -> t != Thread.currentThread()).findFirst().orElseThrow();
        assertTrue(worker.getName().startsWith("plt-engine-"), worker.getName());
        assertTrue(worker.isDaemon());
    }

    @Test
    void rethrowsTheExceptionOfAChunkAndStaysUsable() {
        try (EnginePool pool = new EnginePool(2)) {
            IllegalStateException boom = new IllegalStateException("boom");
            IllegalStateException thrown = assertThrows(IllegalStateException.class,
                    () -> pool.parallelFor(1000, (s, e) -> {
                        if (s <= 700 && 700 < e) {
                            throw boom;
                        }
                    }));
            assertSame(boom, thrown);
            AssertionError error = assertThrows(AssertionError.class,
                    () -> pool.parallelFor(1000, (s, e) -> {
                        throw new AssertionError("error in chunk " + s);
                    }));
            assertTrue(error.getMessage().startsWith("error in chunk"));
            AtomicLong sum = new AtomicLong();
            pool.parallelFor(1000, (s, e) -> {
                for (int i = s; i < e; i++) {
                    sum.addAndGet(i);
                }
            });
            assertEquals(999L * 1000 / 2, sum.get());
        }
    }

    @Test
    void manyCallersShareOnePoolWithoutDeadlock() throws Exception {
        try (EnginePool pool = new EnginePool(2)) {
            int callers = 6;
            int loopsPerCaller = 300;
            AtomicReference<Throwable> failure = new AtomicReference<>();
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int c = 0; c < callers; c++) {
                int caller = c;
                Thread t = new Thread(() -> {
                    try {
                        start.await();
                        for (int loop = 0; loop < loopsPerCaller; loop++) {
                            int count = 50 + (caller * 37 + loop) % 400;
                            AtomicIntegerArray hits = new AtomicIntegerArray(count);
                            pool.parallelFor(count, (s, e) -> {
                                for (int i = s; i < e; i++) {
                                    hits.incrementAndGet(i);
                                }
                            });
                            for (int i = 0; i < count; i++) {
                                if (hits.get(i) != 1) {
                                    throw new AssertionError("caller " + caller + " loop " + loop + " index " + i
                                            + " hit " + hits.get(i) + " times");
                                }
                            }
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                }, "test-caller-" + c);
                threads.add(t);
                t.start();
            }
            start.countDown();
            assertTimeoutPreemptively(DEADLOCK_TIMEOUT, () -> {
                for (Thread t : threads) {
                    t.join();
                }
            });
            if (failure.get() != null) {
                throw new AssertionError(failure.get());
            }
        }
    }

    @Test
    void nestedLoopsDoNotDeadlock() {
        try (EnginePool pool = new EnginePool(2)) {
            AtomicLong total = new AtomicLong();
            assertTimeoutPreemptively(DEADLOCK_TIMEOUT, () -> pool.parallelFor(8, (s, e) -> {
                for (int i = s; i < e; i++) {
                    pool.parallelFor(100, (s2, e2) -> total.addAndGet(e2 - s2));
                }
            }));
            assertEquals(800, total.get());
        }
    }

    @Test
    void waitsForAllChunksEvenWhenInterrupted() {
        // Two chunks: the caller's returns at once, the worker's takes 50 ms. An interrupted caller must
        // still wait for the worker's chunk (it writes into the caller's data), then keep its interrupt.
        Thread caller = Thread.currentThread();
        try (EnginePool pool = new EnginePool(2)) {
            AtomicIntegerArray hits = new AtomicIntegerArray(2);
            AtomicBoolean workerStarted = new AtomicBoolean();
            caller.interrupt();
            pool.parallelFor(2, (s, e) -> {
                if (Thread.currentThread() == caller) {
                    spinUntil(workerStarted::get, 5_000); // make sure the worker has the other chunk
                } else {
                    workerStarted.set(true);
                    spinUntil(() -> false, 50);
                }
                for (int i = s; i < e; i++) {
                    hits.incrementAndGet(i);
                }
            });
            assertTrue(Thread.interrupted(), "interrupt status is kept for the caller");
            assertEquals(1, hits.get(0));
            assertEquals(1, hits.get(1));
        }
    }

    @Test
    void stillWorksAfterClose() {
        EnginePool pool = new EnginePool(3);
        pool.close();
        AtomicLong sum = new AtomicLong();
        pool.parallelFor(100, (s, e) -> sum.addAndGet(e - s));
        assertEquals(100, sum.get());
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> new EnginePool(0));
        try (EnginePool pool = new EnginePool(1)) {
            assertThrows(IllegalArgumentException.class, () -> pool.parallelFor(-1, (s, e) -> { }));
            assertThrows(IllegalArgumentException.class, () -> pool.parallelFor(10, 0, (s, e) -> { }));
            assertThrows(NullPointerException.class, () -> pool.parallelFor(10, null));
            boolean[] called = {false};
            pool.parallelFor(0, (s, e) -> called[0] = true);
            assertFalse(called[0]);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Busy-waits (unaffected by interrupts) until the condition holds or the time is up. */
    private static void spinUntil(BooleanSupplier condition, long millis) {
        long end = System.nanoTime() + millis * 1_000_000;
        while (!condition.getAsBoolean() && System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }
}
