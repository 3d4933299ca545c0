package dev.plt.udfs.tasks;

import dev.plt.model.errors.ErrorKind;
import dev.plt.model.errors.InvalidInputException;
import dev.plt.model.inference.LengthLimit;
import dev.plt.model.inference.PltModel;
import dev.plt.model.tokenizer.StrictUtf8;
import java.io.Serializable;
import java.util.List;
import org.apache.spark.sql.Row;

/**
 * Where a row's prompt comes from: a token-id column (array of int) or a text column encoded with
 * the model's tokenizer. Exactly one is set. Text is decoded strictly from its UTF-8 bytes: a binary
 * column as it is, a string column through {@link #RAW_TEXT_COLUMN}, which the transformer adds
 * because Spark's own string conversion would replace undecodable bytes with U+FFFD unnoticed.
 *
 * @param limit positions a row may use and what happens to a longer one
 */
public record PromptInput(String textColumn, String idsColumn, LengthLimit limit) implements Serializable {
    /** The text column's raw bytes (a string column cast to binary), present only while rows are processed. */
    public static final String RAW_TEXT_COLUMN = "__plt_raw_text";

    public PromptInput {
        if ((textColumn == null) == (idsColumn == null)) {
            throw new IllegalArgumentException("set exactly one of the text column and the token-id column");
        }
    }

    public String column() {
        return textColumn != null ? textColumn : idsColumn;
    }

    /** The prompt's ids, checked and fitted to the length limit with {@code reserved} positions after them. */
    public int[] tokens(PltModel model, Row row, int reserved) {
        return limit.forModel(model.config()).fit(checkedIds(model, row), reserved);
    }

    /** A sequence to score, checked and fitted: its last token is a target only (LengthLimit#fitScored). */
    public int[] scoredTokens(PltModel model, Row row) {
        return limit.forModel(model.config()).fitScored(checkedIds(model, row));
    }

    private int[] checkedIds(PltModel model, Row row) {
        int index = row.fieldIndex(column());
        if (row.isNullAt(index)) {
            throw new InvalidInputException(ErrorKind.NULL_INPUT, "column '" + column() + "' is null");
        }
        int[] ids = textColumn != null ? model.requireTokenizer().encode(text(row, index)) : ids(model, row, index);
        model.validate(ids);
        return ids;
    }

    private String text(Row row, int index) {
        Object value = row.get(index);
        byte[] bytes = value instanceof byte[] b ? b : rawBytes(row);
        if (bytes == null) {
            return (String) value; // no raw column (a caller outside the transformer): already decoded
        }
        try {
            return StrictUtf8.decode(bytes);
        } catch (InvalidInputException e) {
            throw new InvalidInputException(e.kind(), "column '" + column() + "' is " + e.getMessage());
        }
    }

    private static byte[] rawBytes(Row row) {
        if (row.schema() == null || row.schema().getFieldIndex(RAW_TEXT_COLUMN).isEmpty()) {
            return null;
        }
        return (byte[]) row.get(row.fieldIndex(RAW_TEXT_COLUMN));
    }

    private int[] ids(PltModel model, Row row, int index) {
        List<Object> values = row.getList(index);
        int[] ids = new int[values.size()];
        for (int i = 0; i < ids.length; i++) {
            Object v = values.get(i);
            if (v == null) {
                throw new InvalidInputException(ErrorKind.NULL_INPUT, "column '" + column() + "' element " + i
                        + " is null");
            }
            if (!(v instanceof Number number)) {
                throw new InvalidInputException("column '" + column() + "' element " + i + " is " + v);
            }
            long id = number.longValue();
            if (id != (int) id) {
                // A long id would wrap around to a valid-looking int; report it as it is.
                throw new InvalidInputException(ErrorKind.TOKEN_OUT_OF_RANGE, "token id " + id + " at index " + i
                        + " is out of range [0, " + model.config().vocabSize() + ")");
            }
            ids[i] = (int) id;
        }
        return ids;
    }
}
