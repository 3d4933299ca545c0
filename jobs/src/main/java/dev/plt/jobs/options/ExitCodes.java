package dev.plt.jobs.options;

/** The exit codes of every command, which a scheduler can act on (README, "Exit codes"). */
public final class ExitCodes {
    /** A job that could not start: a bad option, model, input or output (a usage mistake). */
    public static final int BAD_SETUP = 2;
    /** Some rows failed (their errors are in the output) but the job ran; only with --fail-on-error. */
    public static final int ROW_ERRORS = 3;
    /**
     * A job that started and then failed for a reason outside its input: out of memory, a full disk or a
     * lost permission, a Spark failure. A scheduler may retry these; a usage mistake (2) it may not.
     */
    public static final int RUNTIME_FAILURE = 4;

    private ExitCodes() {
    }
}
