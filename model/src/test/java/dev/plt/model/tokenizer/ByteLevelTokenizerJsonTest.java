package dev.plt.model.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ByteLevelTokenizerJsonTest {
    @TempDir
    Path dir;

    @Test
    void byteSymbolsFollowGpt2Table() {
        assertEquals("A", ByteLevelTokenizerJson.byteSymbol('A'));
        assertEquals("!", ByteLevelTokenizerJson.byteSymbol('!'));
        assertEquals("\u00e9", ByteLevelTokenizerJson.byteSymbol(0xE9), "printable Latin-1 maps to itself");
        assertEquals("\u0100", ByteLevelTokenizerJson.byteSymbol(0), "first non-printable byte -> U+0100");
        assertEquals("\u010a", ByteLevelTokenizerJson.byteSymbol('\n'), "'Ċ'");
        assertEquals("\u0120", ByteLevelTokenizerJson.byteSymbol(' '), "'Ġ'");
        assertEquals("\u0121", ByteLevelTokenizerJson.byteSymbol(0x7F));
        assertEquals("\u0143", ByteLevelTokenizerJson.byteSymbol(0xAD), "soft hyphen is the last remapped byte");
        assertEquals("\u0120the\u010a", ByteLevelTokenizerJson.toSymbols(" the\n"));
        Set<String> distinct = new HashSet<>();
        for (int b = 0; b < 256; b++) {
            distinct.add(ByteLevelTokenizerJson.byteSymbol(b));
        }
        assertEquals(256, distinct.size());
    }

    @Test
    void writesVocabMergesAndAddedTokens() throws IOException {
        Path file = dir.resolve("tokenizer.json");
        ByteLevelTokenizerJson.write(file, List.<String[]>of(new String[] {"a", "b"}), List.of("<|endoftext|>", "<pad>"));
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        JsonNode model = root.get("model");
        assertEquals("BPE", model.get("type").asText());
        assertEquals(259, model.get("vocab").size());
        assertEquals(32, model.get("vocab").get("\u0120").asInt());
        assertEquals(256, model.get("vocab").get("ab").asInt());
        assertEquals("a b", model.get("merges").get(0).asText());
        assertEquals(257, root.get("added_tokens").get(0).get("id").asInt());
        assertEquals("<pad>", root.get("added_tokens").get(1).get("content").asText());
        assertTrue(root.get("added_tokens").get(1).get("special").asBoolean());
        assertEquals("ByteLevel", root.get("pre_tokenizer").get("type").asText());
        assertEquals(false, root.get("pre_tokenizer").get("add_prefix_space").asBoolean());
        assertEquals("ByteLevel", root.get("decoder").get("type").asText());
    }

    @Test
    void rejectsInvalidMergesAndSpecialTokens() {
        Path file = dir.resolve("tokenizer.json");
        assertThrows(IllegalArgumentException.class,
                () -> ByteLevelTokenizerJson.write(file, List.<String[]>of(new String[] {"ab", "c"}), List.of()),
                "'ab' is not yet a token");
        assertThrows(IllegalArgumentException.class,
                () -> ByteLevelTokenizerJson.write(file, List.<String[]>of(new String[] {" ", "a"}), List.of()),
                "raw space is not a byte-level symbol");
        assertThrows(IllegalArgumentException.class, () -> ByteLevelTokenizerJson.write(file,
                List.of(new String[] {"a", "b"}, new String[] {"a", "b"}), List.of()), "duplicate merge");
        assertThrows(IllegalArgumentException.class,
                () -> ByteLevelTokenizerJson.write(file, List.of(), List.of("x")), "special token already a byte");
        assertThrows(IllegalArgumentException.class,
                () -> ByteLevelTokenizerJson.write(file, List.of(), List.of("<s>", "<s>")));
    }
}
