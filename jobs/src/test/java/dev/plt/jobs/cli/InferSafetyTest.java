package dev.plt.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.plt.model.checkpoint.RandomCheckpoint;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code plt infer} never destroys what it did not write: an output that is the input (by name, symbolic
 * link or hard link), a directory or a file in the model directory is refused; an existing output needs
 * {@code --overwrite} and must be a previous infer output; bad options are refused before the output is
 * touched. Each refusal is one line naming the option, exit 2.
 */
class InferSafetyTest {
    @TempDir
    static Path dir;
    static Path model;
    static Path input;
    static byte[] inputBytes;

    @BeforeAll
    static void setUp() throws IOException {
        model = RandomCheckpoint.write(dir.resolve("model"), RandomCheckpoint.Spec.small());
        input = dir.resolve("in.jsonl");
        inputBytes = String.join("\n", "{\"id\": 1, \"input_ids\": [5, 6, 7, 8]}",
                "{\"id\": 2, \"input_ids\": [9, 10], \"max_new_tokens\": 2}", "").getBytes();
        Files.write(input, inputBytes);
    }

    private record Run(int code, String stderr) {
    }

    private static Run infer(Path output, String... extra) {
        return infer(input, output, extra);
    }

    private static Run infer(Path in, Path output, String... extra) {
        List<String> args = new ArrayList<>(List.of("infer", "--model", model.toString(), "--input", in.toString(),
                "--output", output.toString()));
        args.addAll(List.of(extra));
        if (!args.contains("--threads")) {
            args.addAll(List.of("--threads", "1"));
        }
        StringWriter err = new StringWriter();
        int code = PltCli.execute(new PrintWriter(err, true), args.toArray(String[]::new));
        return new Run(code, err.toString().strip());
    }

    /** Exit 2 and one line that contains each of {@code named}. */
    private static void assertRefused(Run run, String... named) {
        assertEquals(PltCli.EXIT_BAD_SETUP, run.code(), run.stderr());
        assertEquals(1, run.stderr().lines().count(), "one line: " + run.stderr());
        for (String name : named) {
            assertTrue(run.stderr().contains(name), name + " in: " + run.stderr());
        }
    }

    /** A real previous output, written by a successful run. */
    private static Path previousOutput(String name) throws IOException {
        Path output = dir.resolve(name);
        Run run = infer(output);
        assertEquals(0, run.code(), run.stderr());
        assertTrue(Files.size(output) > 0);
        return output;
    }

    @Test
    void theInputIsNeverTheOutputByNameSymlinkOrHardLink() throws IOException {
        Path symlink = Files.createSymbolicLink(dir.resolve("link-to-input.jsonl"), input);
        Path hardLink = Files.createLink(dir.resolve("hard-link-to-input.jsonl"), input);
        Path sameDirOtherName = dir.resolve("sub/../in.jsonl");
        Files.createDirectories(dir.resolve("sub"));
        for (Path output : List.of(input, symlink, hardLink, sameDirOtherName)) {
            for (String[] extra : List.of(new String[0], new String[] {"--overwrite"})) {
                assertRefused(infer(output, extra), "--output", "is the input file");
                assertArrayEquals(inputBytes, Files.readAllBytes(input), "the input is untouched: " + output);
            }
        }
    }

    @Test
    void aRunRefusedForABadOptionLeavesYesterdaysOutputAlone() throws IOException {
        Path output = previousOutput("yesterday.jsonl");
        byte[] before = Files.readAllBytes(output);
        String[][] bad = {
            {"--batch-size", "0"}, {"--batch-size", "-3"}, {"--max-line-bytes", "0"}, {"--max-length", "0"},
            {"--overlong", "sideways"}, {"--path", "fastest"}, {"--prefill-chunk", "0"}, {"--threads", "0"},
            {"--backend", "warp"},
        };
        for (String[] option : bad) {
            List<String> extra = new ArrayList<>(List.of(option));
            extra.add("--overwrite");
            assertRefused(infer(output, extra.toArray(String[]::new)),
                    option[0]);
            assertArrayEquals(before, Files.readAllBytes(output), "refused for " + String.join(" ", option));
        }
        Run missingInput = infer(dir.resolve("nope.jsonl"), output, "--overwrite");
        assertRefused(missingInput, "--input", "nope.jsonl");
        assertArrayEquals(before, Files.readAllBytes(output));
        assertEquals(List.of(), leftovers(), "no hidden files left behind");
    }

    @Test
    void anExistingOutputIsOnlyReplacedWithOverwriteAndOnlyIfItIsAnInferOutput() throws IOException {
        Path output = previousOutput("previous.jsonl");
        byte[] before = Files.readAllBytes(output);
        assertRefused(infer(output), "--output", "already exists", "--overwrite");
        assertArrayEquals(before, Files.readAllBytes(output));

        Files.writeString(output, "stale\n", java.nio.file.StandardOpenOption.APPEND);
        assertEquals(0, infer(output, "--overwrite").code());
        assertArrayEquals(before, Files.readAllBytes(output), "replaced by a fresh, identical run");

        Path empty = Files.createFile(dir.resolve("empty.jsonl"));
        assertEquals(0, infer(empty, "--overwrite").code(), "an empty file may be replaced");
        assertArrayEquals(before, Files.readAllBytes(empty));

        // Not infer outputs: notes, another infer input (id and input_ids), a JSON array, pretty JSON.
        List<String> foreign = List.of("my notes\n", "{\"id\": 7, \"input_ids\": [1, 2]}\n", "[{\"id\": 1}]\n",
                "{\n  \"id\": 1,\n  \"token_logprobs\": []\n}\n");
        for (String text : foreign) {
            Path file = Files.writeString(dir.resolve("foreign.jsonl"), text);
            assertRefused(infer(file, "--overwrite"), "--output", "not a plt infer output");
            assertEquals(text, Files.readString(file));
        }
        assertEquals(List.of(), leftovers());
    }

    @Test
    void directoriesTheModelDirectoryAndMissingDirectoriesAreRefused() throws IOException {
        Path directory = Files.createDirectories(dir.resolve("a-directory"));
        assertRefused(infer(directory, "--overwrite"), "--output", "is a directory");
        assertTrue(Files.isDirectory(directory));

        List<Path> modelFiles;
        try (Stream<Path> files = Files.list(model)) {
            modelFiles = files.sorted().toList();
        }
        byte[] config = Files.readAllBytes(model.resolve("config.json"));
        assertRefused(infer(model.resolve("out.jsonl")), "--output", "inside the model directory");
        assertRefused(infer(model.resolve("config.json"), "--overwrite"), "--output", "inside the model directory");
        assertRefused(infer(model.resolve("../model/x.jsonl")), "--output", "inside the model directory");
        try (Stream<Path> files = Files.list(model)) {
            assertEquals(modelFiles, files.sorted().toList(), "nothing written into the model directory");
        }
        assertArrayEquals(config, Files.readAllBytes(model.resolve("config.json")));

        assertRefused(infer(dir.resolve("no/such/dir/out.jsonl")), "--output", "does not exist");
        Path dangling = Files.createSymbolicLink(dir.resolve("dangling.jsonl"), dir.resolve("gone.jsonl"));
        assertRefused(infer(dangling), "--output", "symbolic link");
        assertTrue(Files.isSymbolicLink(dangling));
    }

    @Test
    void overwritingThroughASymlinkReplacesItsTargetAndKeepsTheLink() throws IOException {
        Path real = previousOutput("real-output.jsonl");
        byte[] before = Files.readAllBytes(real);
        Files.write(real, new byte[0]);
        Path link = Files.createSymbolicLink(dir.resolve("output-link.jsonl"), real);
        assertEquals(0, infer(link, "--overwrite").code());
        assertTrue(Files.isSymbolicLink(link), "the link is still a link");
        assertArrayEquals(before, Files.readAllBytes(real));
    }

    /** Hidden temporary files of the job left in the test directory. */
    static List<Path> leftovers() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().contains(".plt-tmp-")).toList();
        }
    }
}
