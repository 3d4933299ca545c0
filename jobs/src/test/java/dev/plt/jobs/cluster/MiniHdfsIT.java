package dev.plt.jobs.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.plt.jobs.SharedSpark;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@link MiniHdfs} fixture with real Spark: a local Spark writes Parquet to {@code hdfs://} and reads
 * it back, and the executors of a standalone cluster (JVMs of their own, the shaded job jar on their
 * classpath) read a text file from it.
 */
class MiniHdfsIT {
    @BeforeEach
    void ownSpark() {
        SharedSpark.stop(); // the jobs here start Spark with their own settings (HDFS, warehouse, master)
    }

    @TempDir
    static Path dir;
    static MiniHdfs hdfs;

    @BeforeAll
    static void startHdfs() throws IOException {
        hdfs = MiniHdfs.start(dir.resolve("hdfs"));
    }

    @AfterAll
    static void stopHdfs() throws IOException {
        if (hdfs != null) {
            hdfs.close();
        }
    }

    @Test
    void theFixtureCopiesFilesInAndReadsThemBack() throws IOException {
        assertEquals("hdfs://127.0.0.1:" + hdfs.uri().getPort(), hdfs.uri().toString());
        byte[] content = "one\ntwo\n\u00e9t\u00e9\n".getBytes(StandardCharsets.UTF_8);
        Path local = Files.write(dir.resolve("fixture.txt"), content);
        assertEquals(hdfs.uri("/fixture/a/part-1.txt"), hdfs.copyIn(local, "/fixture/a/part-1.txt"));
        hdfs.copyIn(local, "/fixture/a/part-0.txt");
        hdfs.copyIn(local, "/fixture/a/_hidden");

        assertTrue(java.util.Arrays.equals(content, hdfs.readBytes("/fixture/a/part-1.txt")));
        assertEquals(List.of("part-0.txt", "part-1.txt"), List.copyOf(hdfs.readDirectory("/fixture/a", "part-").keySet()));
        assertEquals(List.of("one", "two", "\u00e9t\u00e9", "one", "two", "\u00e9t\u00e9"),
                hdfs.readLines("/fixture/a", "part-"));
        assertEquals(0L, hdfs.fileSystem().getFileStatus(new org.apache.hadoop.fs.Path(hdfs.uri("/fixture/a")))
                .getLen());
        assertEquals(content.length, hdfs.fileSystem().getFileStatus(
                new org.apache.hadoop.fs.Path(hdfs.uri("/fixture/a/part-0.txt"))).getLen());

        Path out = dir.resolve("fixture-out");
        hdfs.copyOut("/fixture/a", out);
        try (Stream<Path> files = Files.list(out)) {
            assertEquals(List.of("_hidden", "part-0.txt", "part-1.txt"),
                    files.map(p -> p.getFileName().toString()).sorted().toList(), "no .crc files beside them");
        }
        assertTrue(java.util.Arrays.equals(content, Files.readAllBytes(out.resolve("part-0.txt"))));
    }

    @Test
    void localSparkWritesParquetToHdfsAndReadsItBack() throws IOException {
        StructType schema = new StructType().add("id", DataTypes.LongType).add("text", DataTypes.StringType)
                .add("score", DataTypes.DoubleType);
        List<Row> rows = new ArrayList<>();
        for (long i = 0; i < 200; i++) {
            rows.add(RowFactory.create(i, "row " + i + " \u00e9", Math.sqrt(i) - 7.25));
        }
        String target = hdfs.uri("/smoke/parquet");
        SparkSession spark = SparkSession.builder().master("local[2]").appName("MiniHdfsIT")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.bindAddress", "127.0.0.1").config("spark.driver.host", "127.0.0.1")
                .getOrCreate();
        try {
            spark.createDataFrame(rows, schema).repartition(3).write().parquet(target);
            Dataset<Row> back = spark.read().parquet(target).orderBy("id");
            assertEquals(schema, back.schema());
            assertEquals(rows, back.collectAsList());
        } finally {
            spark.stop();
        }
        Map<String, byte[]> parts = hdfs.readDirectory("/smoke/parquet", "part-");
        assertEquals(3, parts.size(), "three Parquet files, in HDFS: " + parts.keySet());
        assertTrue(parts.keySet().stream().allMatch(n -> n.endsWith(".parquet")), parts.keySet().toString());
        assertTrue(hdfs.exists("/smoke/parquet/_SUCCESS"));
    }

    @Test
    void standaloneExecutorsReadATextFileFromHdfs() throws Exception {
        StringBuilder text = new StringBuilder();
        long expectedLength = 0;
        for (int i = 0; i < 5000; i++) {
            String line = "line " + i + " " + "x".repeat(i % 37);
            text.append(line).append('\n');
            expectedLength += line.length();
        }
        Path local = Files.writeString(dir.resolve("lines.txt"), text);
        String input = hdfs.copyIn(local, "/smoke/lines.txt");

        Path sparkHome = Path.of(System.getProperty("plt.sparkHome"));
        Path jobJar = Path.of(System.getProperty("plt.jobJar"));
        try (LocalStandaloneCluster cluster = new LocalStandaloneCluster(sparkHome, dir.resolve("cluster"))) {
            cluster.start(2, "2g");
            SparkSession spark = SparkSession.builder().master(cluster.masterUrl()).appName("MiniHdfsIT cluster")
                    .config("spark.ui.enabled", "false")
                    .config("spark.driver.bindAddress", "127.0.0.1").config("spark.driver.host", "127.0.0.1")
                    .config("spark.executor.memory", "512m").config("spark.executor.cores", "2")
                    .config("spark.executor.extraJavaOptions", String.join(" ", LocalStandaloneCluster.jvmFlags()))
                    // As spark-submit ships an application jar: the executors put it on their classpath.
                    .config("spark.jars", jobJar.toAbsolutePath().toString())
                    .getOrCreate();
            try {
                Dataset<Row> lines = spark.read().text(input).repartition(4);
                Row totals = lines.selectExpr("count(*)", "sum(length(value))", "count(distinct value)").first();
                assertEquals(5000L, totals.getLong(0));
                assertEquals(expectedLength, totals.getLong(1));
                assertEquals(5000L, totals.getLong(2));
            } finally {
                spark.stop();
            }
            // The reads ran in the executor JVMs (tasks never run in a standalone driver), which say so.
            List<Path> logs = executorLogs(cluster.workDir().resolve("executors"));
            assertFalse(logs.isEmpty(), "executor logs exist");
            boolean read = false;
            boolean fetchedJar = false;
            for (Path log : logs) {
                String content = Files.readString(log);
                read |= content.contains(input);
                fetchedJar |= content.contains(jobJar.getFileName().toString());
            }
            assertTrue(read, "an executor read " + input + "; logs: " + logs);
            assertTrue(fetchedJar, "an executor fetched the job jar; logs: " + logs);
        }
    }

    private static List<Path> executorLogs(Path executors) throws IOException {
        try (Stream<Path> files = Files.walk(executors)) {
            return files.filter(p -> p.getFileName().toString().equals("stderr")).toList();
        }
    }
}
