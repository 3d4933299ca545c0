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
import java.util.HashSet;
import java.util.Map;
import java.util.Map.Entry;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Token-to-id table read straight from a {@code tokenizer.json}: DJL's tokenizer does not expose
 * {@code token_to_id} or the vocabulary size, so we read them from the file with Jackson.
 */
final class TokenizerVocab {
    private final Map<String, Integer> ids;
    private final Set<Integer> known;
    private final int size;

    private TokenizerVocab(Map<String, Integer> ids, Set<Integer> known) {
        this.ids = ids;
        this.known = known;
        this.size = known.stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
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
        // Every id read, also one whose token an added token takes over: the library still decodes it.
        Set<Integer> known = new HashSet<>();
        JsonNode vocab = model.get("vocab");
        if (vocab != null && vocab.isObject()) {
            // BPE, WordPiece, WordLevel: {"token": id}
            for (Entry<String, JsonNode> e : vocab.properties()) {
                ids.put(e.getKey(), id(file, e.getKey(), e.getValue(), known));
            }
        } else if (vocab != null && vocab.isArray()) {
            // Unigram: [[piece, score], ...]; the id is the position.
            for (int i = 0; i < vocab.size(); i++) {
                ids.put(vocab.get(i).path(0).asText(), i);
                known.add(i);
            }
        }
        // Added tokens win over the model vocabulary, as in the tokenizers library.
        JsonNode added = root.get("added_tokens");
        if (added != null && added.isArray()) {
            for (JsonNode t : added) {
                ids.put(t.path("content").asText(), id(file, t.path("content").asText(), t.path("id"), known));
            }
        }
        return new TokenizerVocab(Map.copyOf(ids), Set.copyOf(known));
    }

    /** An id as written; one that is not an int in [0, 2^31-2] would otherwise wrap or overflow the size. */
    private static int id(Path file, String token, JsonNode node, Set<Integer> known) {
        if (!node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < 0
                || node.intValue() == Integer.MAX_VALUE) {
            throw ModelFileException.of(file, "token '" + token + "' has id " + node
                    + ", not an integer in [0, 2147483646]");
        }
        known.add(node.intValue());
        return node.intValue();
    }

    OptionalInt id(String token) {
        Integer id = ids.get(token);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    /** Whether some token has this id (a vocabulary may leave ids unused). */
    boolean has(int id) {
        return known.contains(id);
    }

    /** Highest id + 1: the number of embedding rows a model needs for this tokenizer. */
    int size() {
        return size;
    }
}
