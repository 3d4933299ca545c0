package dev.plt.jobs.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Progress lines: the total, the share done and the time left when the total is known. */
class ProgressTest {
    @Test
    void aKnownTotalGivesTheShareAndTheTimeLeft() {
        try (Progress p = new Progress("plt score", 400, null, null, 3600)) {
            assertEquals("plt score: 100 of 400 rows (25%), 10.0 rows/s, 500 tokens/s, about 30s left",
                    p.line(100, 5000, 10));
            assertEquals("plt score: 0 of 400 rows (0%), 0.0 rows/s, 0 tokens/s, time left unknown yet",
                    p.line(0, 0, 10));
        }
        try (Progress p = new Progress("plt score", null, null, 3600)) {
            assertEquals("plt score: 7 rows done, 0.7 rows/s, 1 tokens/s", p.line(7, 10, 10));
        }
    }

    @Test
    void durationsReadLikeAClock() {
        assertEquals("59s", Progress.duration(59.4));
        assertEquals("1m08s", Progress.duration(68));
        assertEquals("2h05m", Progress.duration(2 * 3600 + 5 * 60 + 30));
    }
}
