package dev.plt.udfs.batch;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.impl.UnionListWriter;
import org.apache.arrow.vector.complex.writer.BaseWriter.ListWriter;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The few Arrow <-> Spark type mappings the engine's micro-batches use (double, int, long, boolean,
 * string, and lists of int / double / list of int), and typed writers for them. Spark's own
 * converter is internal API, so this small public-API copy of the mapping is kept here.
 */
public final class ArrowColumns {
    private ArrowColumns() {
    }

    public static Schema toArrow(StructType schema) {
        List<Field> fields = new ArrayList<>();
        for (StructField f : schema.fields()) {
            fields.add(field(f.name(), f.dataType()));
        }
        return new Schema(fields);
    }

    private static Field field(String name, DataType type) {
        if (type instanceof ArrayType array) {
            return new Field(name, FieldType.nullable(ArrowType.List.INSTANCE),
                    List.of(field("element", array.elementType())));
        }
        return new Field(name, FieldType.nullable(scalar(type)), null);
    }

    private static ArrowType scalar(DataType type) {
        if (type.equals(DataTypes.DoubleType)) {
            return new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
        } else if (type.equals(DataTypes.IntegerType)) {
            return new ArrowType.Int(32, true);
        } else if (type.equals(DataTypes.LongType)) {
            return new ArrowType.Int(64, true);
        } else if (type.equals(DataTypes.BooleanType)) {
            return ArrowType.Bool.INSTANCE;
        } else if (type.equals(DataTypes.StringType)) {
            return ArrowType.Utf8.INSTANCE;
        }
        throw new IllegalArgumentException("no Arrow mapping for Spark type " + type);
    }

    public static void setDouble(VectorSchemaRoot root, String column, int row, double value) {
        ((Float8Vector) root.getVector(column)).setSafe(row, value);
    }

    public static void setInt(VectorSchemaRoot root, String column, int row, int value) {
        ((IntVector) root.getVector(column)).setSafe(row, value);
    }

    public static void setLong(VectorSchemaRoot root, String column, int row, long value) {
        ((BigIntVector) root.getVector(column)).setSafe(row, value);
    }

    public static void setBoolean(VectorSchemaRoot root, String column, int row, boolean value) {
        ((BitVector) root.getVector(column)).setSafe(row, value ? 1 : 0);
    }

    public static void setString(VectorSchemaRoot root, String column, int row, String value) {
        if (value == null) {
            ((VarCharVector) root.getVector(column)).setNull(row);
        } else {
            ((VarCharVector) root.getVector(column)).setSafe(row, value.getBytes(StandardCharsets.UTF_8));
        }
    }

    public static void setInts(VectorSchemaRoot root, String column, int row, int[] values) {
        UnionListWriter writer = ((ListVector) root.getVector(column)).getWriter();
        writer.setPosition(row);
        writer.startList();
        for (int v : values) {
            writer.integer().writeInt(v);
        }
        writer.endList();
    }

    public static void setDoubles(VectorSchemaRoot root, String column, int row, double[] values) {
        UnionListWriter writer = ((ListVector) root.getVector(column)).getWriter();
        writer.setPosition(row);
        writer.startList();
        for (double v : values) {
            writer.float8().writeFloat8(v);
        }
        writer.endList();
    }

    public static void setBooleans(VectorSchemaRoot root, String column, int row, List<Boolean> values) {
        UnionListWriter writer = ((ListVector) root.getVector(column)).getWriter();
        writer.setPosition(row);
        writer.startList();
        for (boolean v : values) {
            writer.bit().writeBit(v ? 1 : 0);
        }
        writer.endList();
    }

    public static void setIntLists(VectorSchemaRoot root, String column, int row, List<int[]> lists) {
        UnionListWriter writer = ((ListVector) root.getVector(column)).getWriter();
        writer.setPosition(row);
        writer.startList();
        for (int[] list : lists) {
            ListWriter inner = writer.list();
            inner.startList();
            for (int v : list) {
                inner.integer().writeInt(v);
            }
            inner.endList();
        }
        writer.endList();
    }

    /** Reads row {@code row} of a list-of-int column. */
    public static int[] ints(VectorSchemaRoot root, String column, int row) {
        ListVector list = (ListVector) root.getVector(column);
        IntVector data = (IntVector) list.getDataVector();
        int start = list.getElementStartIndex(row);
        int end = list.getElementEndIndex(row);
        int[] out = new int[end - start];
        for (int i = start; i < end; i++) {
            out[i - start] = data.get(i);
        }
        return out;
    }

    /** Reads row {@code row} of a list-of-list-of-int column. */
    public static List<int[]> intLists(VectorSchemaRoot root, String column, int row) {
        ListVector outer = (ListVector) root.getVector(column);
        ListVector inner = (ListVector) outer.getDataVector();
        IntVector data = (IntVector) inner.getDataVector();
        List<int[]> out = new ArrayList<>();
        for (int j = outer.getElementStartIndex(row); j < outer.getElementEndIndex(row); j++) {
            int[] values = new int[inner.getElementEndIndex(j) - inner.getElementStartIndex(j)];
            for (int i = 0; i < values.length; i++) {
                values[i] = data.get(inner.getElementStartIndex(j) + i);
            }
            out.add(values);
        }
        return out;
    }

    /** Marks every vector of {@code root} as holding {@code rows} rows (after the writers ran). */
    public static void finish(VectorSchemaRoot root, int rows) {
        for (FieldVector v : root.getFieldVectors()) {
            v.setValueCount(rows);
        }
        root.setRowCount(rows);
    }
}
