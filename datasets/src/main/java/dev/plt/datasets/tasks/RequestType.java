package dev.plt.datasets.tasks;

/** lm-eval's request kinds (its {@code output_type} names in brackets). */
public enum RequestType {
    /** log p(continuation | context), and whether greedy decoding reproduces it ({@code loglikelihood}). */
    LOGLIKELIHOOD,
    /** greedy generation until a stop string or a token budget ({@code generate_until}). */
    GENERATE_UNTIL,
    /** log p(document), over as many windows as the model needs ({@code loglikelihood_rolling}). */
    LOGLIKELIHOOD_ROLLING
}
