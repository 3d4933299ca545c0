package dev.plt.jobs.bench;

import java.lang.management.ManagementFactory;

/**
 * Wall and CPU seconds of one piece of work in this JVM. CPU time is the whole process's (every thread:
 * Spark's, the engine's, the JIT's and the GC's), so on a shared machine it shows what the work itself
 * cost when other processes stretch the wall clock.
 */
public record Timed(double wallSeconds, double cpuSeconds) {

    /** Started when created; {@link #stop} gives the time since. */
    static final class Clock {
        private final long wall = System.nanoTime();
        private final long cpu = processCpuNanos();

        Timed stop() {
            return new Timed((System.nanoTime() - wall) / 1e9, (processCpuNanos() - cpu) / 1e9);
        }
    }

    static Clock start() {
        return new Clock();
    }

    /** CPU time of this JVM so far, or 0 where the platform does not tell (then every CPU figure is 0). */
    static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return Math.max(0, os.getProcessCpuTime());
        }
        return 0;
    }
}
