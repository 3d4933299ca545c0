package dev.plt.datasets.tasks.chase;

import java.util.Locale;

/**
 * Where a query puts its hop digit. The answer is always predicted at the query's second token, so the
 * order decides which token sits at the prediction position and which one precedes it.
 */
public enum ChaseOrder {
    /** {@code q h a}: the answer is predicted at the hop digit, one token after the query letter. */
    QH,
    /** {@code h q a}: the answer is predicted at the query letter itself. */
    HQ;

    public static ChaseOrder of(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("chase order must be qh or hq, got '" + name + "'", e);
        }
    }

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The query's first two tokens in this order. */
    String render(char query, int hops) {
        char digit = (char) ('0' + hops);
        return this == QH ? "" + query + digit : "" + digit + query;
    }
}
