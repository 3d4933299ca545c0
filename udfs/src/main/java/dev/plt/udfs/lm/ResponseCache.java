package dev.plt.udfs.lm;

import dev.plt.datasets.tasks.RequestType;
import java.util.Map;
import java.util.Set;

/** The answers a {@link CachingLM} may reuse: those an earlier run committed. */
public interface ResponseCache {
    /** The successful answers held for any of {@code keys}, by key (errors are asked again). */
    Map<String, LmResponse> answered(Set<String> keys, RequestType type);
}
