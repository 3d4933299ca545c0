package dev.plt.jobs.infer;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One line of an infer input file, parsed: either a runnable request or an error that will be
 * reported in that line's output.
 *
 * @param line          1-based line number in the input file
 * @param id            the line's "id" value, echoed as is (null if absent or unparsable)
 * @param inputIds      token ids (from "input_ids", or "text" encoded); null when {@code error} is set
 * @param maxNewTokens  greedy tokens to generate (default 0)
 */
record InferRow(int line, JsonNode id, int[] inputIds, int maxNewTokens, String error) {
    static InferRow failed(int line, JsonNode id, String error) {
        return new InferRow(line, id, null, 0, error);
    }
}
