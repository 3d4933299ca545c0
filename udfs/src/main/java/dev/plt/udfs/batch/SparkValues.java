package dev.plt.udfs.batch;

import java.util.List;

/** Values as Spark's external {@code Row} expects them: arrays as Scala sequences. */
public final class SparkValues {
    private SparkValues() {
    }

    public static <T> scala.collection.immutable.Seq<T> seq(List<T> values) {
        return scala.jdk.javaapi.CollectionConverters.asScala(values).toList();
    }
}
