package dev.plt.datasets.tasks.mc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a multiple-choice JSONL row keeps its parts. Fields are dotted paths into the JSON object, so
 * both flat rows and ARC's nested {@code choices: {text: [...], label: [...]}} are described:
 * <pre>
 *   ARC:       question / choices.text / labels choices.label / gold answerKey
 *   HellaSwag: ctx      / endings      / (no labels)          / gold label ("0".."3")
 * </pre>
 *
 * @param labelsField  the choice labels ("A".."D", "1".."4"); null when the row has none, in which case
 *                     letters A, B, C... are assumed for a gold given as a label
 * @param goldType     {@code index} (a 0-based number), {@code label} (one of the labels), or {@code auto}:
 *                     a JSON number is an index; a string is a label if it is one, else an index
 * @param idField      the row id; null to number rows
 */
public record ChoiceFields(String questionField, String choicesField, String labelsField, String goldField,
        String goldType, String idField) implements Serializable {

    public ChoiceFields {
        if (!List.of("auto", "index", "label").contains(goldType)) {
            throw new IllegalArgumentException("gold_type must be auto, index or label, got '" + goldType + "'");
        }
    }

    public String question(JsonNode row) {
        return require(row, questionField).asText();
    }

    public List<String> choices(JsonNode row) {
        return texts(require(row, choicesField), choicesField);
    }

    /** The 0-based index of the gold choice among {@code choiceCount}. */
    public int gold(JsonNode row, int choiceCount) {
        JsonNode gold = require(row, goldField);
        int index = switch (goldType) {
            case "index" -> asIndex(gold);
            case "label" -> labelIndex(row, gold.asText(), choiceCount);
            default -> gold.isNumber() ? gold.asInt() : autoIndex(row, gold.asText(), choiceCount);
        };
        if (index < 0 || index >= choiceCount) {
            throw new IllegalArgumentException("gold '" + gold.asText() + "' is not one of " + choiceCount + " choices");
        }
        return index;
    }

    public String id(JsonNode row, int index) {
        JsonNode id = idField == null ? null : at(row, idField);
        return id == null || id.isNull() ? Integer.toString(index) : id.asText();
    }

    private int autoIndex(JsonNode row, String gold, int choiceCount) {
        int byLabel = labels(row, choiceCount).indexOf(gold);
        if (byLabel >= 0) {
            return byLabel;
        }
        return asIndex(TextNode.valueOf(gold));
    }

    private int labelIndex(JsonNode row, String gold, int choiceCount) {
        int index = labels(row, choiceCount).indexOf(gold);
        if (index < 0) {
            throw new IllegalArgumentException("gold label '" + gold + "' is not among " + labels(row, choiceCount));
        }
        return index;
    }

    private List<String> labels(JsonNode row, int choiceCount) {
        if (labelsField != null) {
            return texts(require(row, labelsField), labelsField);
        }
        List<String> letters = new ArrayList<>();
        for (int i = 0; i < choiceCount; i++) {
            letters.add(String.valueOf((char) ('A' + i)));
        }
        return letters;
    }

    private static int asIndex(JsonNode gold) {
        try {
            return gold.isNumber() ? gold.asInt() : Integer.parseInt(gold.asText().strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("gold '" + gold.asText() + "' is neither a label nor an index", e);
        }
    }

    private static List<String> texts(JsonNode array, String field) {
        if (!array.isArray()) {
            throw new IllegalArgumentException("field '" + field + "' is not a list");
        }
        List<String> out = new ArrayList<>();
        array.forEach(node -> out.add(node.asText()));
        return out;
    }

    private static JsonNode require(JsonNode row, String path) {
        JsonNode node = at(row, path);
        if (node == null || node.isNull() || node.isMissingNode()) {
            throw new IllegalArgumentException("missing field '" + path + "'");
        }
        return node;
    }

    /** The node at a dotted path, or null. */
    static JsonNode at(JsonNode row, String path) {
        JsonNode node = row;
        for (String part : path.split("\\.")) {
            node = node == null ? null : node.get(part);
        }
        return node;
    }
}
