package dev.plt.jobs.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plt.jobs.SharedSpark;
import dev.plt.jobs.cli.PltCli;
import dev.plt.model.checkpoint.RandomCheckpoint;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Row ids and {@code --resume} of {@code plt score} in-process on local[2]: ids stable whatever the
 * partitioning and output format, duplicate rows distinct, lost part files recomputed and nothing
 * else, and a resume with other settings or another model refused before any work.
 * (Killing a real job and resuming it: {@code ResumeAfterKillIT}.)
 */
@ExtendWith(SharedSpark.class)
class ResumeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ROWS = 30;

    @TempDir
    static Path dir;
    static Path model;
    static Path input;

    @BeforeAll
    static void setUp() throws IOException {
        model = RandomCheckpoint.write(dir.resolve("model"), RandomCheckpoint.Spec.small());
        StringBuilder jsonl = new StringBuilder();
        for (int i = 0; i < ROWS - 4; i++) {
            jsonl.append(JSON.writeValueAsString(Map.of("id", i, "text", "row number " + i + " " + "ab".repeat(i))))
                    .append('\n');
        }
        // Three identical rows and one with the same text but another id: four distinct row ids.
        for (int i = 0; i < 3; i++) {
            jsonl.append("{\"id\": 100, \"text\": \"the same row\"}\n");
        }
        jsonl.append("{\"id\": 101, \"text\": \"the same row\"}\n");
        input = dir.resolve("in.jsonl");
        Files.writeString(input, jsonl);
    }

    private static String[] score(Path output, String... extra) {
        List<String> args = new ArrayList<>(List.of("score", "--model", model.toString(), "--input", input.toString(),
                "--output", output.toString(), "--master", "local[2]", "--per-token", "--batch-size", "3"));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    private static String run(int expectedExit, String... args) {
        StringWriter err = new StringWriter();
        int code = PltCli.execute(new PrintWriter(err, true), args);
        assertEquals(expectedExit, code, err.toString());
        return err.toString();
    }

    @Test
    void rowIdsDoNotDependOnPartitioningOrFormatAndResumeRecomputesExactlyTheLostRows() throws IOException {
        Path onePartition = dir.resolve("one-partition");
        Path sixPartitions = dir.resolve("six-partitions");
        run(0, score(onePartition, "--partitions", "1"));
        run(0, score(sixPartitions, "--partitions", "6", "--output-format", "jsonl"));

        Map<String, JsonNode> rows = OutputRows.byRowId(onePartition); // Parquet; fails on a duplicate id
        assertEquals(ROWS, rows.size(), "every row, duplicates included, has its own id");
        Set<String> sameRowIds = new HashSet<>();
        for (Map.Entry<String, JsonNode> row : rows.entrySet()) {
            assertTrue(row.getKey().matches("[0-9a-f]{32}"), row.getKey());
            if (row.getValue().get("id").asInt() == 100) {
                sameRowIds.add(row.getKey());
            }
        }
        assertEquals(3, sameRowIds.size(), "three identical input rows keep three ids");
        OutputRows.assertSameRows(rows, sixPartitions);

        // Lose two committed partitions, as a killed job would, and resume.
        Path resumed = dir.resolve("resumed");
        copy(sixPartitions, resumed);
        List<String> parts = new CommittedOutput(OutputLocation.local(resumed), "jsonl").partFiles();
        assertEquals(6, parts.size());
        int lost = OutputRows.all(resumed).size();
        Files.delete(resumed.resolve(parts.get(1)));
        Files.delete(resumed.resolve(parts.get(4)));
        lost -= OutputRows.all(resumed).size();
        assertTrue(lost > 0);
        run(0, score(resumed, "--resume", "--partitions", "3", "--output-format", "jsonl"));
        OutputRows.assertSameRows(rows, resumed);
        JsonNode second = RunManifest.runs(resumed).get(1);
        assertEquals(lost, second.get("rows").asInt(), "only the lost rows were computed");
        assertEquals(ROWS - lost, second.get("rows_committed_before").asInt());

        // Resuming a complete output computes nothing and changes nothing.
        run(0, score(resumed, "--resume", "--output-format", "jsonl"));
        OutputRows.assertSameRows(rows, resumed);
        assertEquals(0, RunManifest.runs(resumed).get(2).get("rows").asInt());
    }

    @Test
    void resumeWithOtherSettingsOrAnotherModelIsRefusedInOneLine() throws IOException {
        Path output = dir.resolve("refusals");
        run(0, score(output, "--partitions", "2", "--output-format", "jsonl"));
        long before = OutputRows.all(output).size();

        List<String> withoutPerToken = new ArrayList<>(List.of(score(output, "--resume", "--output-format",
                "jsonl")));
        withoutPerToken.remove("--per-token");
        String err = run(PltCli.EXIT_BAD_SETUP, withoutPerToken.toArray(String[]::new));
        assertTrue(err.contains("other settings") && err.contains("param.perTokenLogprobs: true -> false"), err);
        assertEquals(1, err.strip().lines().count(), err);

        Path otherModel = RandomCheckpoint.write(dir.resolve("other-model"),
                RandomCheckpoint.Spec.small().withFormat(false, false, dev.plt.model.io.DType.F32, 2, 1));
        List<String> args = new ArrayList<>(List.of(score(output, "--resume", "--output-format", "jsonl")));
        args.set(args.indexOf("--model") + 1, otherModel.toString());
        err = run(PltCli.EXIT_BAD_SETUP, args.toArray(String[]::new));
        assertTrue(err.contains("model_fingerprint"), err);

        err = run(PltCli.EXIT_BAD_SETUP, score(output, "--resume"));
        assertTrue(err.contains("output_format: jsonl -> parquet"), err);
        err = run(PltCli.EXIT_BAD_SETUP, score(output, "--resume", "--overwrite"));
        assertTrue(err.contains("not both"), err);
        err = run(PltCli.EXIT_BAD_SETUP, score(output));
        assertTrue(err.contains("already exists"), err);
        assertEquals(before, OutputRows.all(output).size(), "refused runs wrote nothing");

        Path foreign = Files.createDirectories(dir.resolve("not-a-job-output"));
        err = run(PltCli.EXIT_BAD_SETUP, score(foreign, "--resume"));
        assertTrue(err.contains("has no " + RunManifest.FILE), err);
    }

    @Test
    void theModelFingerprintFollowsTheWeightsNotThePath() throws IOException {
        Path copy = dir.resolve("model-copy");
        copy(model, copy);
        assertEquals(ModelFingerprint.of(model), ModelFingerprint.of(copy));
        Path other = RandomCheckpoint.write(dir.resolve("model-seed-3"),
                RandomCheckpoint.Spec.small().withFormat(false, false, dev.plt.model.io.DType.F32, 3, 1));
        assertNotEquals(ModelFingerprint.of(model), ModelFingerprint.of(other));
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
