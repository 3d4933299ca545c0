package dev.plt.model.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.plt.model.io.ModelFileException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a GPT-2 style byte-level BPE {@code tokenizer.json}, the tokenizer test code and the trainer
 * use (nothing can be downloaded here). Ids: 0..255 are the byte values, then one id per merge in
 * order, then the special tokens.
 *
 * <p>Tokens are spelled in the byte-level alphabet: GPT-2's bytes-to-unicode map sends each byte to a
 * printable character (printable ASCII and most of Latin-1 to themselves; space to 'Ġ', newline to
 * 'Ċ', ...), so merges must be given in that alphabet too; {@link #toSymbols(String)} converts raw
 * text.
 */
public final class ByteLevelTokenizerJson {
    private static final String[] BYTE_SYMBOLS = byteSymbols();

    private ByteLevelTokenizerJson() {
    }

    /**
     * Writes the tokenizer.
     *
     * @param merges        pairs {left, right} in priority order; each part must be a byte symbol or
     *                      the result of an earlier merge, and each result must be new
     * @param specialTokens e.g. {@code "<|endoftext|>"}; ids follow the merges
     * @throws IllegalArgumentException for an invalid merge or special token
     */
    public static void write(Path out, List<String[]> merges, List<String> specialTokens) {
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (int b = 0; b < 256; b++) {
            vocab.put(BYTE_SYMBOLS[b], b);
        }
        ObjectMapper json = new ObjectMapper();
        ArrayNode mergeList = json.createArrayNode();
        for (String[] m : merges) {
            checkMerge(m, vocab);
            vocab.put(m[0] + m[1], vocab.size());
            // "left right" is the merge format every tokenizers version reads; byte-level symbols
            // never contain a space, so the split is unambiguous.
            mergeList.add(m[0] + " " + m[1]);
        }
        ObjectNode root = json.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        for (String special : specialTokens) {
            if (special == null || special.isEmpty() || vocab.containsKey(special)) {
                throw new IllegalArgumentException("special token '" + special + "' is empty or already in the vocabulary");
            }
            int id = vocab.size();
            vocab.put(special, id);
            added.addObject()
                    .put("id", id)
                    .put("content", special)
                    .put("single_word", false)
                    .put("lstrip", false)
                    .put("rstrip", false)
                    .put("normalized", false)
                    .put("special", true);
        }
        root.putNull("normalizer");
        root.set("pre_tokenizer", byteLevel(json));
        root.putNull("post_processor");
        root.set("decoder", byteLevel(json));
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        model.putNull("unk_token");
        model.putNull("continuing_subword_prefix");
        model.putNull("end_of_word_suffix");
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        model.put("ignore_merges", false);
        ObjectNode vocabNode = model.putObject("vocab");
        vocab.forEach(vocabNode::put);
        model.set("merges", mergeList);
        try {
            json.writerWithDefaultPrettyPrinter().writeValue(out.toFile(), root);
        } catch (IOException e) {
            throw ModelFileException.wrap(out, "cannot write", e);
        }
    }

    /** The byte-level symbol (one character) of byte {@code b} (0..255). */
    public static String byteSymbol(int b) {
        return BYTE_SYMBOLS[b];
    }

    /** {@code text}'s UTF-8 bytes spelled in the byte-level alphabet, e.g. " the" -> "Ġthe". */
    public static String toSymbols(String text) {
        StringBuilder sb = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            sb.append(BYTE_SYMBOLS[b & 0xFF]);
        }
        return sb.toString();
    }

    private static void checkMerge(String[] m, Map<String, Integer> vocab) {
        if (m == null || m.length != 2) {
            throw new IllegalArgumentException("a merge must be a pair {left, right}");
        }
        for (String part : m) {
            if (part == null || !vocab.containsKey(part)) {
                throw new IllegalArgumentException("merge part '" + part + "' is neither a byte symbol nor an"
                        + " earlier merge's result (spell text with ByteLevelTokenizerJson.toSymbols)");
            }
        }
        if (vocab.containsKey(m[0] + m[1])) {
            throw new IllegalArgumentException("merge " + m[0] + " + " + m[1] + " repeats token '" + m[0] + m[1] + "'");
        }
    }

    private static ObjectNode byteLevel(ObjectMapper json) {
        ObjectNode n = json.createObjectNode();
        n.put("type", "ByteLevel");
        n.put("add_prefix_space", false);
        n.put("trim_offsets", true);
        n.put("use_regex", true);
        return n;
    }

    /**
     * GPT-2's bytes-to-unicode table: bytes that are printable characters ('!'..'~', '¡'..'¬', '®'..'ÿ')
     * stand for themselves; the other 68 bytes, in increasing order, take code points 256, 257, ...
     */
    private static String[] byteSymbols() {
        String[] symbols = new String[256];
        int next = 256;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            symbols[b] = String.valueOf((char) (printable ? b : next++));
        }
        return symbols;
    }
}
