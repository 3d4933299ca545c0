package dev.plt.datasets.tasks.chase;

import java.io.Serializable;
import java.util.List;

/**
 * One example: the facts (one pair character per edge of the cycle, shuffled), the separator, then the
 * queries, each {@code q h a} or {@code h q a} by {@code order}. Every token is one byte.
 */
public record ChaseExample(String facts, List<ChaseQuery> queries, ChaseOrder order) implements Serializable {
    public static final int TOKENS_PER_QUERY = 3;

    public ChaseExample {
        queries = List.copyOf(queries);
    }

    public String text() {
        StringBuilder text = new StringBuilder(facts).append(ChaseAlphabet.SEPARATOR);
        for (ChaseQuery q : queries) {
            text.append(order.render(q.query(), q.hops())).append(q.answer());
        }
        return text.toString();
    }

    /** Index in {@link #text()} of query {@code j}'s answer letter. */
    public int answerIndex(int j) {
        return facts.length() + 1 + TOKENS_PER_QUERY * j + 2;
    }

    /** The text before query {@code j}'s answer letter: the context the answer is predicted from. */
    public String contextBeforeAnswer(int j) {
        return text().substring(0, answerIndex(j));
    }
}
