package dev.plt.model.kernels.pool;

import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The engine's own thread pool for data-parallel loops.
 *
 * <p>Why not {@code ForkJoinPool.commonPool()}: inside a Spark executor the common pool is shared
 * with Spark and user code, so its threads may be busy or blocked, and its size follows the host, not
 * the cores this engine was given.
 *
 * <p>A pool of {@code threads} runs a loop on {@code threads - 1} daemon workers plus the calling
 * thread. The calling thread always takes part: it claims chunks like any worker, so a loop finishes
 * even when every worker is busy with another caller's loop. That is what makes the pool safe to share
 * between several calling threads (several Spark tasks on one engine), and to call from inside a loop
 * body: a thread only ever waits for chunks that another thread has already started running.
 *
 * <p>Idle workers spin for {@value #WORKER_SPIN_NANOS} ns before they park: a decode step runs one loop
 * after another with a little serial work between them, and waking a parked thread costs about 10 us,
 * as much as a whole small matmul.
 */
public final class EnginePool implements AutoCloseable {

    /** A loop body over the index range {@code [start, end)}. */
    @FunctionalInterface
    public interface RangeBody {
        void run(int start, int end);
    }

    /** Chunks per thread: a few, so that a slow thread (the machines are shared) does not hold up a loop. */
    private static final int CHUNKS_PER_THREAD = 4;

    /** Busy-wait iterations before the caller parks: chunks are short, a park/unpark costs about 10 us. */
    private static final int CALLER_SPIN = 1 << 12;

    /** How long an idle worker polls for new work before it parks. */
    private static final long WORKER_SPIN_NANOS = 50_000;

    private static final AtomicInteger THREAD_NUMBER = new AtomicInteger();

    private final int threads;
    /** Loops that want helpers; each entry asks one worker to help (a loop is queued once per helper). */
    private final ConcurrentLinkedQueue<Loop> requests = new ConcurrentLinkedQueue<>();
    private final Worker[] workers;
    private volatile boolean closed;

    public EnginePool(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("EnginePool needs at least 1 thread, got " + threads);
        }
        this.threads = threads;
        this.workers = new Worker[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker("plt-engine-" + THREAD_NUMBER.incrementAndGet());
            workers[i].thread.start();
        }
    }

    /** The parallelism of a loop: worker threads plus the calling thread. */
    public int threads() {
        return threads;
    }

    /** {@link #parallelFor(int, int, RangeBody)} with a grain of 1. */
    public void parallelFor(int count, RangeBody body) {
        parallelFor(count, 1, body);
    }

    /**
     * Runs {@code body} over contiguous chunks that together cover {@code [0, count)} exactly once, on the
     * workers and the calling thread, and returns when all chunks are done. The first exception thrown by
     * a chunk is rethrown here (remaining unstarted chunks are skipped).
     *
     * @param grain the fewest indices worth a chunk of their own; callers pass more when one index is
     *              cheap, so that small loops run inline instead of paying for a thread hand-off.
     */
    public void parallelFor(int count, int grain, RangeBody body) {
        Objects.requireNonNull(body, "body");
        if (count < 0 || grain < 1) {
            throw new IllegalArgumentException("parallelFor(count=" + count + ", grain=" + grain + ")");
        }
        if (count == 0) {
            return;
        }
        int chunks = Math.min(threads * CHUNKS_PER_THREAD, count / grain);
        if (workers.length == 0 || chunks <= 1 || closed) {
            body.run(0, count);
            return;
        }
        Loop loop = new Loop(body, count, chunks);
        int helpers = Math.min(workers.length, chunks - 1);
        for (int i = 0; i < helpers; i++) {
            requests.offer(loop);
        }
        for (Worker worker : workers) {
            worker.wakeIfParked();
        }
        loop.runChunks();
        loop.awaitAll();
        loop.rethrowFailure();
    }

    /**
     * Stops the workers once the loops queued for them are done; a later {@code parallelFor} runs on the
     * calling thread alone. Loops running now still complete (their callers run any unclaimed chunks).
     */
    @Override
    public void close() {
        closed = true;
        for (Worker worker : workers) {
            LockSupport.unpark(worker.thread);
        }
    }

    /** A daemon thread that helps with queued loops, spinning a while before it parks when there are none. */
    private final class Worker implements Runnable {
        final Thread thread;
        /** Set while parked or about to park, so that {@code parallelFor} knows to unpark it. */
        private volatile boolean parking;

        Worker(String name) {
            thread = new Thread(this, name);
            thread.setDaemon(true);
        }

        @Override
        public void run() {
            while (true) {
                Loop loop = requests.poll();
                if (loop != null) {
                    loop.runChunks();
                } else if (closed) {
                    return;
                } else {
                    spinThenPark();
                }
            }
        }

        private void spinThenPark() {
            long deadline = System.nanoTime() + WORKER_SPIN_NANOS;
            while (requests.isEmpty() && !closed) {
                if (System.nanoTime() - deadline > 0) {
                    // Announce before the last check: parallelFor offers, then reads 'parking'; we write
                    // 'parking', then read the queue. One of us sees the other, so no wake-up is lost.
                    parking = true;
                    if (requests.isEmpty() && !closed) {
                        LockSupport.park(this);
                    }
                    parking = false;
                    return;
                }
                Thread.onSpinWait();
            }
        }

        void wakeIfParked() {
            if (parking) {
                LockSupport.unpark(thread);
            }
        }
    }

    /** One {@code parallelFor} call: a chunk counter that the caller and the helpers claim from. */
    private static final class Loop {
        private final RangeBody body;
        private final int count;
        private final int chunks;
        private final AtomicInteger nextChunk = new AtomicInteger();
        private final CountDownLatch unfinished;
        private final AtomicReference<Throwable> failure = new AtomicReference<>();

        Loop(RangeBody body, int count, int chunks) {
            this.body = body;
            this.count = count;
            this.chunks = chunks;
            this.unfinished = new CountDownLatch(chunks);
        }

        void runChunks() {
            int chunk;
            while ((chunk = nextChunk.getAndIncrement()) < chunks) {
                try {
                    if (failure.get() == null) {
                        body.run(boundary(chunk), boundary(chunk + 1));
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    unfinished.countDown();
                }
            }
        }

        /** Balanced contiguous split: chunk c covers [boundary(c), boundary(c + 1)). */
        private int boundary(int chunk) {
            return (int) ((long) count * chunk / chunks);
        }

        /**
         * Waits for chunks other threads are still running. Uninterruptible on purpose: those chunks write
         * into the caller's arrays, so returning early would let the caller reuse arrays still being written.
         * The interrupt is restored for the caller to see.
         */
        void awaitAll() {
            for (int spin = 0; spin < CALLER_SPIN && unfinished.getCount() != 0; spin++) {
                Thread.onSpinWait();
            }
            boolean interrupted = false;
            while (true) {
                try {
                    unfinished.await();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }

        void rethrowFailure() {
            Throwable t = failure.get();
            if (t instanceof RuntimeException re) {
                throw re;
            }
            if (t instanceof Error err) {
                throw err;
            }
            if (t != null) {
                throw new RuntimeException(t); // only reachable by sneaky-thrown checked exceptions
            }
        }
    }
}
