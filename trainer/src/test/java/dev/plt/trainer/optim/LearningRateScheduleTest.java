package dev.plt.trainer.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LearningRateScheduleTest {
    @Test
    void warmsUpLinearlyThenDecaysToTheFloor() {
        LearningRateSchedule s = new LearningRateSchedule(1e-3, 1e-4, 10, 110);
        assertEquals(1e-4, s.at(1), 1e-12);
        assertEquals(1e-3, s.at(10), 1e-12);
        assertEquals((1e-3 + 1e-4) / 2, s.at(60), 1e-12, "half-way through the decay");
        assertEquals(1e-4, s.at(110), 1e-12);
        for (int step = 11; step <= 110; step++) {
            assertTrue(s.at(step) <= s.at(step - 1), "decreasing after warm-up at step " + step);
        }
    }

    @Test
    void noWarmUpStartsAtThePeak() {
        assertEquals(2e-3, new LearningRateSchedule(2e-3, 0, 0, 50).at(1), 1e-5);
    }
}
