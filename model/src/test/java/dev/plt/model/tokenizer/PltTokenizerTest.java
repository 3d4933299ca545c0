package dev.plt.model.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.EngineException;
import dev.plt.model.errors.ErrorKind;
import dev.plt.model.errors.InvalidInputException;
import dev.plt.model.io.ModelFileException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PltTokenizerTest {
    private static final String EOT = "<|endoftext|>";

    @TempDir
    Path dir;

    private PltTokenizer bytesOnly() {
        Path file = dir.resolve("tokenizer.json");
        ByteLevelTokenizerJson.write(file, List.of(), List.of(EOT));
        return PltTokenizer.load(file);
    }

    /** UTF-8 bytes as ids: what a merge-free byte-level tokenizer must produce. */
    private static int[] utf8Ids(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        int[] ids = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            ids[i] = bytes[i] & 0xFF;
        }
        return ids;
    }

    @Test
    void byteLevelIdsAreUtf8BytesAndDecodeRoundTrips() {
        try (PltTokenizer tok = bytesOnly()) {
            assertArrayEquals(new int[] {104, 101, 108, 108, 111, 32, 119, 111, 114, 108, 100}, tok.encode("hello world"));
            for (String text : List.of("hello world", "héllo 世界", "  tabs\tand\nnewlines\r\n", "emoji 🙂!", "")) {
                int[] ids = tok.encode(text);
                assertArrayEquals(utf8Ids(text), ids, text);
                assertEquals(text, tok.decode(ids), text);
            }
            assertEquals(13, tok.encode("héllo 世界").length, "h é(2) l l o space 世(3) 界(3)");
        }
    }

    @Test
    void specialTokensAreLookedUpNotAddedAndKeptOnDecode() {
        try (PltTokenizer tok = bytesOnly()) {
            assertEquals(OptionalInt.of(256), tok.tokenId(EOT));
            assertEquals(OptionalInt.of(104), tok.tokenId("h"));
            assertEquals(OptionalInt.of(32), tok.tokenId("\u0120"), "space's byte-level symbol");
            assertEquals(OptionalInt.empty(), tok.tokenId("<|im_start|>"));
            assertEquals(257, tok.vocabSize());

            int[] ids = tok.encode("a" + EOT + "b");
            assertArrayEquals(new int[] {97, 256, 98}, ids, "special text in the input maps to its id");
            assertEquals("a" + EOT + "b", tok.decode(ids));
            assertEquals("ab", tok.decode(ids, true));
            assertArrayEquals(new int[] {97}, tok.encode("a"), "no BOS/EOS added");
        }
    }

    @Test
    void mergesApplyInPriorityOrder() {
        Path file = dir.resolve("tokenizer.json");
        List<String[]> merges = List.of(new String[] {"h", "e"}, new String[] {"l", "l"}, new String[] {"he", "ll"},
                new String[] {ByteLevelTokenizerJson.toSymbols(" "), "w"});
        ByteLevelTokenizerJson.write(file, merges, List.of(EOT));
        try (PltTokenizer tok = PltTokenizer.load(file)) {
            // hello -> "hell"(258) "o"; " world" -> "Ġw"(259) o r l d
            int[] ids = tok.encode("hello world");
            assertArrayEquals(new int[] {258, 111, 259, 111, 114, 108, 100}, ids);
            assertEquals("hello world", tok.decode(ids));
            assertEquals(OptionalInt.of(256), tok.tokenId("he"));
            assertEquals(OptionalInt.of(259), tok.tokenId("\u0120w"));
            assertEquals(OptionalInt.of(260), tok.tokenId(EOT), "special tokens follow the merges");
            assertEquals(261, tok.vocabSize());
            assertEquals(file, tok.path());
        }
    }

    @Test
    void longInputIsNotTruncated() {
        try (PltTokenizer tok = bytesOnly()) {
            String text = "abc ".repeat(500);
            int[] ids = tok.encode(text);
            assertEquals(2000, ids.length, "DJL's default 512-token truncation must be off");
            assertEquals(text, tok.decode(ids));
        }
    }

    @Test
    void loadsFromDirectoryAndRefusesToDecodeIdsThatHaveNoToken() {
        ByteLevelTokenizerJson.write(dir.resolve("tokenizer.json"), List.of(), List.of(EOT));
        try (PltTokenizer tok = PltTokenizer.load(dir)) {
            assertEquals(dir.resolve("tokenizer.json"), tok.path());
            assertEquals("ab" + EOT, tok.decode(new int[] {97, 98, 256}));
            // A model's padded vocab (e.g. 300 rows for this 257-token tokenizer) may emit such ids: they
            // fail instead of vanishing from the text.
            for (int id : new int[] {257, 299, 1_000_000, -1}) {
                InvalidInputException e = assertThrows(InvalidInputException.class,
                        () -> tok.decode(new int[] {97, id, 98}));
                assertEquals(ErrorKind.TOKEN_OUT_OF_RANGE, e.kind());
                assertTrue(e.getMessage().startsWith("token id " + id + " at position 1 has no token in "
                        + dir.resolve("tokenizer.json") + " (257 ids)"), e.getMessage());
            }
        }
    }

    @Test
    void closedTokenizerRejectsCalls() {
        PltTokenizer tok = bytesOnly();
        tok.close();
        tok.close();
        assertThrows(IllegalStateException.class, () -> tok.encode("a"));
    }

    @Test
    void concurrentEncodesAgree() throws Exception {
        try (PltTokenizer tok = bytesOnly()) {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<Boolean>> results = new java.util.ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    String text = "thread " + t + " héllo 世界 ";
                    results.add(pool.submit(() -> {
                        for (int i = 0; i < 200; i++) {
                            if (!java.util.Arrays.equals(utf8Ids(text), tok.encode(text))) {
                                return false;
                            }
                        }
                        return true;
                    }));
                }
                for (Future<Boolean> f : results) {
                    assertTrue(f.get(30, TimeUnit.SECONDS));
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void badFilesFailWithTheFileNamed() throws IOException {
        Path missing = dir.resolve("nope/tokenizer.json");
        ModelFileException e = assertThrows(ModelFileException.class, () -> PltTokenizer.load(missing));
        assertTrue(e.getMessage().contains(missing + ": tokenizer file not found"), e.getMessage());

        Path broken = Files.writeString(dir.resolve("broken.json"), "{\"model\": {\"type\": ");
        e = assertThrows(ModelFileException.class, () -> PltTokenizer.load(broken));
        assertTrue(e.getMessage().startsWith(broken + ": not valid JSON"), e.getMessage());

        Path noModel = Files.writeString(dir.resolve("nomodel.json"), "{\"version\": \"1.0\"}");
        e = assertThrows(ModelFileException.class, () -> PltTokenizer.load(noModel));
        assertTrue(e.getMessage().contains(noModel + ": has no \"model\" object"), e.getMessage());

        // An id beyond an int used to wrap (2^32 + 5 read as 5), and a non-number read as 0.
        for (String id : new String[] {"4294967301", "\"5\"", "-1"}) {
            Path badId = Files.writeString(dir.resolve("badid.json"), "{\"model\": {\"type\": \"BPE\", \"vocab\":"
                    + " {\"a\": 0, \"b\": " + id + "}, \"merges\": []}}");
            e = assertThrows(ModelFileException.class, () -> PltTokenizer.load(badId));
            assertTrue(e.getMessage().equals(badId + ": token 'b' has id " + id + ", not an integer in [0, 2147483646]"),
                    e.getMessage());
        }

        Path foreign = Files.writeString(dir.resolve("foreign.json"), "{\"model\": {\"type\": \"NoSuchModel\"}}");
        e = assertThrows(ModelFileException.class, () -> PltTokenizer.load(foreign));
        assertTrue(e.getMessage().startsWith(foreign + ": not a valid Hugging Face tokenizer"), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void aNativeLibraryThatDoesNotLoadIsNotBlamedOnTheFile() {
        Path file = dir.resolve("tokenizer.json");
        ModelFileException e = PltTokenizer.loadFailure(file,
                new EngineException("Failed to load Huggingface native library."));
        assertEquals(file + ": cannot be read: the tokenizers native library for " + System.getProperty("os.name") + " "
                + System.getProperty("os.arch") + " did not load (a job jar carries the platforms of its build's "
                + "-Dplt.tokenizer.platforms): Failed to load Huggingface native library.", e.getMessage());
        e = PltTokenizer.loadFailure(file, new RuntimeException("data did not match any variant\nat line 1"));
        assertEquals(file + ": not a valid Hugging Face tokenizer: data did not match any variant", e.getMessage());
    }
}
