package dev.plt.udfs.lm;

import dev.plt.datasets.tasks.Response;
import java.io.Serializable;

/**
 * The answer to one request: the model's {@link Response}, or why there is none.
 *
 * @param response         null when {@code error} is set
 * @param error            null on success
 * @param errorKind        the error's {@code error_kind} code; null on success
 * @param promptTokens     tokens the engine read for this request (a context shared by several requests
 *                         counts on the first of them only)
 * @param completionTokens tokens generated
 */
public record LmResponse(Response response, String error, String errorKind, int promptTokens, int completionTokens)
        implements Serializable {
    public LmResponse {
        if ((response == null) == (error == null)) {
            throw new IllegalArgumentException("a response has either an answer or an error");
        }
    }

    public static LmResponse ok(Response response, int promptTokens, int completionTokens) {
        return new LmResponse(response, null, null, promptTokens, completionTokens);
    }

    public static LmResponse failed(String error, String errorKind, int promptTokens) {
        return new LmResponse(null, error, errorKind, promptTokens, 0);
    }

    public boolean isError() {
        return error != null;
    }
}
