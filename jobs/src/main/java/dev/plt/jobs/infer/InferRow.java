package dev.plt.jobs.infer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.plt.model.errors.ErrorKind;

/**
 * One line of an infer input file, parsed: either a runnable request or an error that will be
 * reported in that line's output.
 *
 * @param line          1-based line number in the input file
 * @param id            the line's "id" value, echoed as is (null if absent or unparsable)
 * @param inputIds      token ids (from "input_ids", or "text" encoded); null when {@code error} is set
 * @param maxNewTokens  greedy tokens to generate (default 0)
 * @param kind          why the line failed; null when {@code error} is null
 */
record InferRow(long line, JsonNode id, int[] inputIds, int maxNewTokens, ErrorKind kind, String error) {
    static InferRow failed(long line, JsonNode id, ErrorKind kind, String error) {
        return new InferRow(line, id, null, 0, kind, error);
    }
}
