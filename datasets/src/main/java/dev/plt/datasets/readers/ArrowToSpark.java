package dev.plt.datasets.readers;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.util.Text;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Arrow field types to Spark types, and the values Arrow's {@code getObject} returns to the external
 * values Spark's {@code createDataFrame} accepts. Covered: signed integers, float and double, boolean,
 * (large) strings and binaries, decimals up to precision 38, dates, timestamps (with a time zone:
 * TIMESTAMP; without: TIMESTAMP_NTZ), lists and structs of these. Anything else is refused by name
 * rather than converted loosely.
 */
final class ArrowToSpark {
    private ArrowToSpark() {
    }

    static StructType schema(List<Field> fields) {
        List<StructField> out = new ArrayList<>();
        for (Field f : fields) {
            out.add(DataTypes.createStructField(f.getName(), type(f), f.isNullable()));
        }
        return DataTypes.createStructType(out);
    }

    static DataType type(Field field) {
        ArrowType t = field.getType();
        return switch (t.getTypeID()) {
            case Null -> DataTypes.NullType;
            case Bool -> DataTypes.BooleanType;
            case Int -> integer(field, (ArrowType.Int) t);
            case FloatingPoint -> switch (((ArrowType.FloatingPoint) t).getPrecision()) {
                case SINGLE -> DataTypes.FloatType;
                case DOUBLE -> DataTypes.DoubleType;
                default -> throw unsupported(field);
            };
            case Utf8, LargeUtf8 -> DataTypes.StringType;
            case Binary, LargeBinary, FixedSizeBinary -> DataTypes.BinaryType;
            case Decimal -> decimal(field, (ArrowType.Decimal) t);
            case Date -> DataTypes.DateType;
            case Timestamp -> ((ArrowType.Timestamp) t).getTimezone() != null
                    ? DataTypes.TimestampType : DataTypes.TimestampNTZType;
            case List, LargeList, FixedSizeList -> DataTypes.createArrayType(type(field.getChildren().get(0)), true);
            case Struct -> schema(field.getChildren());
            default -> throw unsupported(field);
        };
    }

    /** {@code value} (from {@code vector.getObject(i)}) as Spark wants it for {@code field}'s type. */
    static Object value(Field field, Object value) {
        if (value == null) {
            return null;
        }
        ArrowType t = field.getType();
        return switch (t.getTypeID()) {
            case Utf8, LargeUtf8 -> value instanceof Text text ? text.toString() : value.toString();
            case Date -> ((ArrowType.Date) t).getUnit() == DateUnit.DAY
                    ? LocalDate.ofEpochDay(((Number) value).longValue())
                    : ((LocalDateTime) value).toLocalDate();
            case Timestamp -> timestamp((ArrowType.Timestamp) t, value);
            case List, LargeList, FixedSizeList -> list(field.getChildren().get(0), (List<?>) value);
            case Struct -> struct(field.getChildren(), (Map<?, ?>) value);
            default -> value; // numbers, booleans, byte[] and BigDecimal are already what Spark takes
        };
    }

    private static DataType integer(Field field, ArrowType.Int t) {
        if (!t.getIsSigned()) {
            throw unsupported(field);
        }
        return switch (t.getBitWidth()) {
            case 8 -> DataTypes.ByteType;
            case 16 -> DataTypes.ShortType;
            case 32 -> DataTypes.IntegerType;
            case 64 -> DataTypes.LongType;
            default -> throw unsupported(field);
        };
    }

    private static DataType decimal(Field field, ArrowType.Decimal t) {
        if (t.getPrecision() > 38) {
            throw unsupported(field);
        }
        return DataTypes.createDecimalType(t.getPrecision(), t.getScale());
    }

    /** Zoned Arrow timestamps come back as a count of units since the epoch, naive ones as LocalDateTime. */
    private static Object timestamp(ArrowType.Timestamp t, Object value) {
        if (t.getTimezone() == null) {
            return value;
        }
        long count = ((Number) value).longValue();
        return Instant.EPOCH.plus(count, unit(t.getUnit()));
    }

    private static ChronoUnit unit(TimeUnit unit) {
        return switch (unit) {
            case SECOND -> ChronoUnit.SECONDS;
            case MILLISECOND -> ChronoUnit.MILLIS;
            case MICROSECOND -> ChronoUnit.MICROS;
            case NANOSECOND -> ChronoUnit.NANOS;
        };
    }

    private static List<Object> list(Field element, List<?> values) {
        List<Object> out = new ArrayList<>(values.size());
        for (Object v : values) {
            out.add(value(element, v));
        }
        return out;
    }

    private static Object struct(List<Field> children, Map<?, ?> values) {
        Object[] out = new Object[children.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = value(children.get(i), values.get(children.get(i).getName()));
        }
        return RowFactory.create(out);
    }

    private static UnsupportedOperationException unsupported(Field field) {
        return new UnsupportedOperationException("Arrow column '" + field.getName() + "' has type " + field.getType()
                + ", which the Arrow reader does not convert to Spark");
    }
}
