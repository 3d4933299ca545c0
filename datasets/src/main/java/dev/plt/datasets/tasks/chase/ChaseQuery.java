package dev.plt.datasets.tasks.chase;

import java.io.Serializable;

/** "Where does {@code query} lead after {@code hops} steps?": three tokens, the last one {@code answer}. */
public record ChaseQuery(char query, int hops, char answer) implements Serializable {
}
