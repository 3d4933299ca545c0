package dev.plt.datasets.readers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class DataFormatTest {
    @Test
    void extensionsNameTheFormatEvenWhenCompressed() {
        assertEquals(Optional.of(DataFormat.JSONL), DataFormat.fromFileName("/d/eval.jsonl"));
        assertEquals(Optional.of(DataFormat.JSONL), DataFormat.fromFileName("eval.JSONL.gz"));
        assertEquals(Optional.of(DataFormat.CSV), DataFormat.fromFileName("abstract_algebra_test.csv"));
        assertEquals(Optional.of(DataFormat.PARQUET), DataFormat.fromFileName("part-0000.snappy.parquet"));
        assertEquals(Optional.of(DataFormat.ARROW), DataFormat.fromFileName("rows.feather"));
        assertEquals(Optional.of(DataFormat.ARROW), DataFormat.fromFileName("rows.arrows"));
        assertEquals(Optional.empty(), DataFormat.fromFileName("README"));
        assertEquals(DataFormat.PARQUET, DataFormat.of(" Parquet "));
        assertThrows(IllegalArgumentException.class, () -> DataFormat.of("xml"));
    }
}
