package dev.plt.datasets.readers;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import dev.plt.model.errors.ErrorKind;
import dev.plt.model.errors.InvalidInputException;
import java.io.IOException;
import java.util.Set;

/**
 * What the JSONL reader checks in a line before and after Spark parses it.
 * <ul>
 *   <li>Before: nesting depth (Spark's JSON code recurses once per level: a line nested some 900 deep
 *       overflows its stack, and the job then hangs), and escapes of lone surrogates.</li>
 *   <li>After: that a column of type string holds a JSON string (Spark would turn a number, an array or
 *       an object into its JSON text and the job would score that), and why a line did not parse.</li>
 * </ul>
 */
final class JsonLineCheck implements LineIndexedText.LineCheck {
    private static final long serialVersionUID = 1L;

    /** Accepts what Spark's parser may be told to accept, so that it can classify any line Spark parses. */
    private static final JsonFactory LENIENT = JsonFactory.builder()
            .enable(JsonReadFeature.ALLOW_SINGLE_QUOTES, JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS,
                    JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES, JsonReadFeature.ALLOW_JAVA_COMMENTS,
                    JsonReadFeature.ALLOW_LEADING_ZEROS_FOR_NUMBERS, JsonReadFeature.ALLOW_UNESCAPED_CONTROL_CHARS,
                    JsonReadFeature.ALLOW_BACKSLASH_ESCAPING_ANY_CHARACTER)
            .build();
    /** Spark's defaults (single quotes and NaN allowed), to say why a line did not parse. */
    private static final JsonFactory SPARK_DEFAULTS = JsonFactory.builder()
            .enable(JsonReadFeature.ALLOW_SINGLE_QUOTES, JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    private final int maxDepth;

    JsonLineCheck(int maxDepth) {
        this.maxDepth = maxDepth;
    }

    @Override
    public void check(String line) {
        int tooDeepAt = tooDeepAt(line, maxDepth);
        if (tooDeepAt >= 0) {
            throw new InvalidInputException(ErrorKind.MALFORMED_LINE, "JSON nested deeper than " + maxDepth
                    + " levels at char " + tooDeepAt);
        }
        String surrogate = JsonSurrogateEscapes.problem(line);
        if (surrogate != null) {
            throw new InvalidInputException(ErrorKind.INVALID_UTF8, surrogate);
        }
    }

    /** Where the line opens its {@code maxDepth + 1}-th nested array or object, or -1: a scan, no recursion. */
    static int tooDeepAt(String line, int maxDepth) {
        int depth = 0;
        char quote = 0; // the quote of the string we are in, or 0
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == '{' || c == '[') {
                if (++depth > maxDepth) {
                    return i;
                }
            } else if (c == '}' || c == ']') {
                depth--;
            }
        }
        return -1;
    }

    /**
     * The first of {@code stringColumns} whose value in this line is a JSON number, boolean, array or
     * object, described; null if there is none or the line is not a JSON object (Spark's parser then
     * sets it aside itself). Only the top level is read: nested values are skipped, long strings are
     * never materialised.
     */
    static String nonStringValue(String line, Set<String> stringColumns) {
        try (JsonParser p = LENIENT.createParser(line)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (stringColumns.contains(name) && value != JsonToken.VALUE_STRING && value != JsonToken.VALUE_NULL) {
                    return "column '" + name + "' holds a JSON " + typeName(value) + " where a string is expected";
                }
                p.skipChildren();
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }

    /** Why Spark did not parse a line: the JSON error with its column, or that it is not an object. */
    static String whyMalformed(String line) {
        try (JsonParser p = SPARK_DEFAULTS.createParser(line)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                return "not valid JSON: no value";
            }
            p.skipChildren();
            if (p.nextToken() != null) {
                return "not valid JSON: more than one value on the line";
            }
            return first == JsonToken.START_OBJECT ? "a value does not fit its column's type"
                    : "not a JSON object but " + withArticle(typeName(first));
        } catch (JsonProcessingException e) {
            return "not valid JSON at char " + e.getLocation().getColumnNr() + ": " + firstLine(e.getOriginalMessage());
        } catch (IOException e) {
            return "not valid JSON: " + e.getMessage();
        }
    }

    private static String typeName(JsonToken token) {
        return switch (token) {
            case START_ARRAY -> "array";
            case START_OBJECT -> "object";
            case VALUE_STRING -> "string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number";
            case VALUE_TRUE, VALUE_FALSE -> "boolean";
            case VALUE_NULL -> "null";
            default -> token.name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    private static String withArticle(String type) {
        return (type.startsWith("a") || type.startsWith("o") ? "an " : "a ") + type;
    }

    private static String firstLine(String message) {
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
