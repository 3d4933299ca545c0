package dev.plt.datasets.tasks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.plt.datasets.tasks.PairEncoding.EncodedPair;
import dev.plt.model.tokenizer.ByteLevelTokenizerJson;
import dev.plt.model.tokenizer.PltTokenizer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PairEncodingTest {
    /** Merge-free byte-level encoding: ids are the UTF-8 bytes. */
    private static final TextEncoder BYTES = text -> {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        int[] ids = new int[b.length];
        for (int i = 0; i < b.length; i++) {
            ids[i] = b[i] & 0xFF;
        }
        return ids;
    };

    @Test
    void trailingSpacesOfTheContextMoveToTheContinuation() {
        EncodedPair p = PairEncoding.encode(BYTES, "Answer:  ", "B");
        assertArrayEquals(BYTES.encode("Answer:"), p.context());
        assertArrayEquals(BYTES.encode("  B"), p.continuation());
    }

    @Test
    void trailingNewlinesAndTabsMoveToo() {
        // Python's rstrip() strips every whitespace character, not only spaces.
        EncodedPair p = PairEncoding.encode(BYTES, "Q\n\t ", "x");
        assertArrayEquals(BYTES.encode("Q"), p.context());
        assertArrayEquals(BYTES.encode("\n\t x"), p.continuation());
    }

    @Test
    void noTrailingWhitespaceLeavesThePairAsIs() {
        EncodedPair p = PairEncoding.encode(BYTES, "Answer:", " B");
        assertArrayEquals(BYTES.encode("Answer:"), p.context());
        assertArrayEquals(BYTES.encode(" B"), p.continuation());
    }

    @Test
    void emptyContextNeedsThePrefixToken() {
        EncodedPair p = PairEncoding.encode(BYTES, "", "hi", OptionalInt.of(256));
        assertArrayEquals(new int[] {256}, p.context());
        assertArrayEquals(BYTES.encode("hi"), p.continuation());
        assertThrows(IllegalArgumentException.class, () -> PairEncoding.encode(BYTES, "", "hi"));
    }

    @Test
    void withTheEnginesTokenizerAMergeAcrossTheBoundaryLandsInTheContinuation(@TempDir Path dir) {
        // A byte-level BPE with one merge, " " + "A" -> " A", as GPT-2 style tokenizers have.
        Path file = dir.resolve("tokenizer.json");
        ByteLevelTokenizerJson.write(file, List.<String[]>of(new String[] {ByteLevelTokenizerJson.toSymbols(" "), "A"}),
                List.of("<|endoftext|>"));
        try (PltTokenizer tok = PltTokenizer.load(file)) {
            int spaceA = tok.tokenId(ByteLevelTokenizerJson.toSymbols(" A")).orElseThrow();

            EncodedPair p = PairEncoding.encode(tok::encode, "Answer: ", "A");

            assertArrayEquals(tok.encode("Answer:"), p.context());
            assertArrayEquals(new int[] {spaceA}, p.continuation(), "the natural ' A' token, not ' ' then 'A'");
        }
    }

    @Test
    void theContextIsEncodedAloneSoAllChoicesShareIt() {
        // A toy encoder where the last context character fuses with a following digit: the continuation
        // is still whole[len(encode(context)):] and the context stays encode(context).
        TextEncoder fusing = text -> text.replace("=1", "#").chars().toArray();
        EncodedPair p = PairEncoding.encode(fusing, "x=", "1+1");
        assertArrayEquals("x=".chars().toArray(), p.context());
        assertArrayEquals("+1".chars().toArray(), p.continuation(), "whole is x#+1, split after 2 tokens");
    }
}
