package dev.plt.trainer.optim;

/**
 * Linear warm-up from 0 to {@code peak} over {@code warmupSteps}, then cosine decay to {@code floor}
 * at {@code totalSteps}: the usual schedule for small transformers, which trains stably at a higher peak
 * than a constant rate.
 */
public record LearningRateSchedule(double peak, double floor, int warmupSteps, int totalSteps) {
    public LearningRateSchedule {
        if (peak <= 0 || floor < 0 || floor > peak || warmupSteps < 0 || totalSteps < 1) {
            throw new IllegalArgumentException("bad learning-rate schedule: peak " + peak + ", floor " + floor
                    + ", warmup " + warmupSteps + ", steps " + totalSteps);
        }
    }

    /** The rate for 1-based step {@code step}. */
    public double at(int step) {
        if (step <= warmupSteps) {
            return peak * step / warmupSteps;
        }
        int decaySteps = Math.max(1, totalSteps - warmupSteps);
        double progress = Math.min(1.0, (double) (step - warmupSteps) / decaySteps);
        return floor + 0.5 * (peak - floor) * (1 + Math.cos(Math.PI * progress));
    }
}
