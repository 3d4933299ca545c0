package dev.plt.model.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The slice of each sequence's new tokens that one prefill pass takes. Chunking bounds activation
 * memory for long prompts; every row computes the same whatever the chunk, so it changes no result.
 *
 * @param members indices (into the caller's sequence list) of the sequences with tokens in this chunk
 * @param tokens  their tokens in this chunk, in the same order
 */
public record PrefillChunk(List<Integer> members, List<int[]> tokens) {

    /** Tokens {@code [chunkStart, chunkStart + size)} of every sequence that has any there. */
    public static PrefillChunk of(List<int[]> tokens, int chunkStart, int size) {
        List<Integer> members = new ArrayList<>();
        List<int[]> slices = new ArrayList<>();
        for (int s = 0; s < tokens.size(); s++) {
            int[] t = tokens.get(s);
            if (chunkStart < t.length) {
                members.add(s);
                slices.add(Arrays.copyOfRange(t, chunkStart, Math.min(t.length, chunkStart + size)));
            }
        }
        return new PrefillChunk(members, slices);
    }

    /** The longest token list: chunks start at 0, size, 2 * size, ... below it. */
    public static int longest(List<int[]> tokens) {
        return tokens.stream().mapToInt(t -> t.length).max().orElse(0);
    }
}
