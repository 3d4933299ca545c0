package dev.plt.datasets.readers;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.impl.UnionListWriter;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.ipc.ArrowWriter;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;

/**
 * Writes the test's Arrow IPC files with Arrow Java: rows (id int, text string, score double with a
 * null, tokens list&lt;int&gt;, day date, split dictionary-encoded string), as two record batches.
 */
final class ArrowTestFiles {
    static final List<String> TEXTS = List.of("alpha", "beta", "gamma");
    static final List<String> SPLITS = List.of("train", "test");
    static final int[] SPLIT_OF_ROW = {0, 1, 0};

    private ArrowTestFiles() {
    }

    static void write(Path file, boolean fileFormat) throws IOException {
        DictionaryEncoding encoding = new DictionaryEncoding(7L, false, null);
        try (BufferAllocator allocator = new RootAllocator();
                VarCharVector splitValues = new VarCharVector("split_values", allocator);
                IntVector id = new IntVector("id", allocator);
                VarCharVector text = new VarCharVector("text", allocator);
                Float8Vector score = new Float8Vector("score", allocator);
                ListVector tokens = ListVector.empty("tokens", allocator);
                DateDayVector day = new DateDayVector("day", allocator);
                IntVector split = new IntVector(new Field("split",
                        new FieldType(true, new ArrowType.Int(32, true), encoding), null), allocator)) {
            for (int i = 0; i < SPLITS.size(); i++) {
                splitValues.setSafe(i, SPLITS.get(i).getBytes(StandardCharsets.UTF_8));
            }
            splitValues.setValueCount(SPLITS.size());
            DictionaryProvider provider = new DictionaryProvider.MapDictionaryProvider(new Dictionary(splitValues, encoding));
            // The list's element vector must exist before the root reads the schema off the vectors.
            tokens.addOrGetVector(FieldType.nullable(new ArrowType.Int(32, true)));

            try (VectorSchemaRoot root = new VectorSchemaRoot(List.of(id, text, score, tokens, day, split));
                    FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                            StandardOpenOption.TRUNCATE_EXISTING);
                    ArrowWriter writer = fileFormat ? new ArrowFileWriter(root, provider, channel)
                            : new ArrowStreamWriter(root, provider, channel)) {
                writer.start();
                for (int[] rows : new int[][] {{0, 1}, {2}}) {
                    root.allocateNew();
                    UnionListWriter lists = tokens.getWriter();
                    for (int r = 0; r < rows.length; r++) {
                        int i = rows[r];
                        id.setSafe(r, i + 1);
                        text.setSafe(r, TEXTS.get(i).getBytes(StandardCharsets.UTF_8));
                        if (i == 2) {
                            score.setNull(r);
                        } else {
                            score.setSafe(r, i * 0.5);
                        }
                        day.setSafe(r, (int) LocalDate.of(2024, 1, 1 + i).toEpochDay());
                        split.setSafe(r, SPLIT_OF_ROW[i]);
                        lists.setPosition(r);
                        lists.startList();
                        for (int t = 0; t <= i; t++) {
                            lists.writeInt(10 * i + t);
                        }
                        lists.endList();
                    }
                    root.setRowCount(rows.length);
                    writer.writeBatch();
                }
                writer.end();
            }
        }
    }
}
