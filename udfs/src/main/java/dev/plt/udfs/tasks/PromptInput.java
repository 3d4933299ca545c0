package dev.plt.udfs.tasks;

import dev.plt.model.inference.InvalidInputException;
import dev.plt.model.inference.PltModel;
import java.io.Serializable;
import java.util.List;
import org.apache.spark.sql.Row;

/**
 * Where a row's prompt comes from: a token-id column (array of int) or a text column encoded with
 * the model's tokenizer. Exactly one is set.
 */
public record PromptInput(String textColumn, String idsColumn) implements Serializable {
    public PromptInput {
        if ((textColumn == null) == (idsColumn == null)) {
            throw new IllegalArgumentException("set exactly one of the text column and the token-id column");
        }
    }

    public String column() {
        return textColumn != null ? textColumn : idsColumn;
    }

    public int[] tokens(PltModel model, Row row) {
        int index = row.fieldIndex(column());
        if (row.isNullAt(index)) {
            throw new InvalidInputException("column '" + column() + "' is null");
        }
        int[] ids;
        if (textColumn != null) {
            ids = model.requireTokenizer().encode(row.getString(index));
        } else {
            List<Object> values = row.getList(index);
            ids = new int[values.size()];
            for (int i = 0; i < ids.length; i++) {
                Object v = values.get(i);
                if (!(v instanceof Number number)) {
                    throw new InvalidInputException("column '" + column() + "' element " + i + " is " + v);
                }
                ids[i] = number.intValue();
            }
        }
        model.validate(ids);
        return ids;
    }
}
