package dev.plt.datasets.tasks.mmlu;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the Hendrycks MMLU CSVs: no header, {@code question,A,B,C,D,answer}, RFC 4180 quoting (fields
 * hold commas, doubled quotes and newlines, so the file is not line-oriented).
 */
public final class MmluCsv {
    private static final CsvMapper MAPPER = CsvMapper.builder().enable(CsvParser.Feature.WRAP_AS_ARRAY).build();

    private MmluCsv() {
    }

    public static List<MmluRow> read(Path file) {
        List<MmluRow> rows = new ArrayList<>();
        try (MappingIterator<String[]> it = MAPPER.readerFor(String[].class)
                .with(CsvSchema.emptySchema())
                .readValues(file.toFile())) {
            while (it.hasNext()) {
                String[] fields = it.next();
                int record = rows.size() + 1;
                if (fields.length != 6) {
                    throw new IllegalArgumentException(file + ": record " + record + " has " + fields.length
                            + " fields, expected 6 (question,A,B,C,D,answer)");
                }
                try {
                    rows.add(new MmluRow(fields[0], List.of(fields[1], fields[2], fields[3], fields[4]),
                            fields[5].strip()));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(file + ": record " + record + ": " + e.getMessage(), e);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read MMLU file " + file, e);
        }
        return rows;
    }
}
