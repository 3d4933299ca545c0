package dev.plt.model.io.gguf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plt.model.io.ModelFileException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * A Hugging Face byte-level BPE {@code tokenizer.json} as llama.cpp's {@code gpt2} vocabulary: the tokens in id
 * order (in the byte-level alphabet both use: byte 0x20 is "Ġ", ...), their types, and the merges as "left right"
 * strings. llama.cpp accepts an empty merge list, so a pure byte model (256 bytes + EOS, no merges) is a valid
 * vocabulary. Ids the tokenizer does not spell, up to the model's vocab size, become unused "[PAD{id}]" tokens,
 * since llama.cpp takes the vocabulary size from the token list and the embedding must match it.
 */
record GgufVocab(List<String> tokens, int[] types, List<String> merges, OptionalInt eos) {
    // llama_token_type values (llama.cpp's vocabulary).
    static final int NORMAL = 1;
    static final int CONTROL = 3;
    static final int USER_DEFINED = 4;
    static final int UNUSED = 5;

    static GgufVocab read(Path tokenizerJson, int vocabSize) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(tokenizerJson.toFile());
        } catch (IOException e) {
            throw ModelFileException.of(tokenizerJson, "cannot be read as JSON: " + e.getMessage());
        }
        JsonNode model = root.path("model");
        if (!model.path("type").asText().equals("BPE") || !model.path("vocab").isObject()) {
            throw ModelFileException.of(tokenizerJson, "is not a BPE tokenizer (llama.cpp's gpt2 vocabulary needs one)");
        }
        String[] tokens = new String[vocabSize];
        int[] types = new int[vocabSize];
        for (Iterator<Map.Entry<String, JsonNode>> it = model.get("vocab").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            place(tokens, types, entry.getValue().asInt(), entry.getKey(), NORMAL, tokenizerJson);
        }
        OptionalInt eos = OptionalInt.empty();
        for (JsonNode added : root.path("added_tokens")) {
            int id = added.path("id").asInt();
            String content = added.path("content").asText();
            boolean special = added.path("special").asBoolean(false);
            place(tokens, types, id, content, special ? CONTROL : USER_DEFINED, tokenizerJson);
            if (content.equals("<|endoftext|>") || content.equals("</s>") || content.equals("<|end_of_text|>")) {
                eos = OptionalInt.of(id);
            }
        }
        for (int id = 0; id < vocabSize; id++) {
            if (tokens[id] == null) {
                tokens[id] = "[PAD" + id + "]";
                types[id] = UNUSED;
            }
        }
        List<String> merges = new ArrayList<>();
        for (JsonNode merge : model.path("merges")) {
            // tokenizers writes a merge as "left right" (older) or ["left", "right"] (newer).
            merges.add(merge.isArray() ? merge.get(0).asText() + " " + merge.get(1).asText() : merge.asText());
        }
        return new GgufVocab(Arrays.asList(tokens), types, merges, eos);
    }

    private static void place(String[] tokens, int[] types, int id, String token, int type, Path source) {
        if (id < 0 || id >= tokens.length) {
            throw ModelFileException.of(source, "token '" + token + "' has id " + id
                    + ", outside the model's vocab_size " + tokens.length);
        }
        tokens[id] = token;
        types[id] = type;
    }
}
