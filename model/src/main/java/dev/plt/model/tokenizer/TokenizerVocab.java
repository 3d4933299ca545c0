package dev.plt.model.tokenizer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plt.model.io.ModelFileException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Map.Entry;
import java.util.OptionalInt;

/**
 * Token-to-id table read straight from a {@code tokenizer.json}: DJL's tokenizer does not expose
 * {@code token_to_id} or the vocabulary size, so we read them from the file with Jackson.
 */
final class TokenizerVocab {
    private final Map<String, Integer> ids;
    private final int size;

    private TokenizerVocab(Map<String, Integer> ids, int size) {
        this.ids = ids;
        this.size = size;
    }

    /** @param file names the tokenizer in messages; {@code real} is the checked path that is read */
    static TokenizerVocab read(Path file, Path real) {
        JsonNode root;
        try (InputStream in = Files.newInputStream(real, LinkOption.NOFOLLOW_LINKS)) {
            root = new ObjectMapper().readTree(in);
        } catch (JsonProcessingException e) {
            throw ModelFileException.wrap(file, "not valid JSON", e);
        } catch (IOException e) {
            throw ModelFileException.wrap(file, "cannot read", e);
        }
        JsonNode model = root == null ? null : root.get("model");
        if (model == null || !model.isObject()) {
            throw ModelFileException.of(file, "has no \"model\" object: not a Hugging Face tokenizer.json");
        }
        Map<String, Integer> ids = new HashMap<>();
        JsonNode vocab = model.get("vocab");
        if (vocab != null && vocab.isObject()) {
            // BPE, WordPiece, WordLevel: {"token": id}
            for (Entry<String, JsonNode> e : vocab.properties()) {
                ids.put(e.getKey(), e.getValue().asInt());
            }
        } else if (vocab != null && vocab.isArray()) {
            // Unigram: [[piece, score], ...]; the id is the position.
            for (int i = 0; i < vocab.size(); i++) {
                ids.put(vocab.get(i).get(0).asText(), i);
            }
        }
        // Added tokens win over the model vocabulary, as in the tokenizers library.
        JsonNode added = root.get("added_tokens");
        if (added != null && added.isArray()) {
            for (JsonNode t : added) {
                ids.put(t.path("content").asText(), t.path("id").asInt());
            }
        }
        int maxId = ids.values().stream().mapToInt(Integer::intValue).max().orElse(-1);
        return new TokenizerVocab(Map.copyOf(ids), maxId + 1);
    }

    OptionalInt id(String token) {
        Integer id = ids.get(token);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    /** Highest id + 1: the number of embedding rows a model needs for this tokenizer. */
    int size() {
        return size;
    }
}
