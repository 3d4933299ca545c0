package dev.plt.jobs.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.plt.jobs.SharedSpark;
import dev.plt.jobs.cli.PltCli;
import dev.plt.model.checkpoint.RandomCheckpoint;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --output} and {@code --overwrite} pointed where a careless user or an attacker would point them,
 * through the real command line and the real file system: nothing the job did not write is ever removed
 * or changed, a refusal is one line naming the path, a failed replacement leaves the old output as it was,
 * and one output has one writer at a time. Every case snapshots a whole sandbox (every file's content and
 * every directory) before and after.
 */
@ExtendWith(SharedSpark.class)
class OutputSafetyTest {
    @TempDir
    static Path sandbox;
    static Path model;
    static Path inputDir;
    static Path input;
    static Path home;
    static String realHome;

    @BeforeAll
    static void setUp() throws IOException {
        model = RandomCheckpoint.write(sandbox.resolve("models/tiny"), RandomCheckpoint.Spec.small());
        inputDir = Files.createDirectories(sandbox.resolve("data/in"));
        input = Files.writeString(inputDir.resolve("rows.jsonl"),
                "{\"id\": 1, \"text\": \"hello\"}\n{\"id\": 2, \"text\": \"world\"}\n{\"id\": 3, \"text\": \"again\"}\n");
        // The guard reads the home directory from user.home: point it into the sandbox, so the case that
        // names the home directory runs against a home full of files without risking the real one.
        home = Files.createDirectories(sandbox.resolve("home/user"));
        Files.writeString(home.resolve(".profile"), "export A=1\n");
        Files.createDirectories(home.resolve("samples"));
        Files.writeString(home.resolve("samples/mine.txt"), "a user's own samples\n");
        dev.plt.model.inference.PltModel.check(model); // loads the tokenizer's natives, which JNA caches in the home
        realHome = System.getProperty("user.home");
        System.setProperty("user.home", home.toString());
    }

    @AfterAll
    static void restoreHome() {
        System.setProperty("user.home", realHome);
    }

    record Result(int code, String err) {
    }

    private static Result plt(String... args) {
        StringWriter err = new StringWriter();
        int code = PltCli.execute(new PrintWriter(err, true), args);
        return new Result(code, err.toString().strip());
    }

    private static String[] score(String output, String... extra) {
        return score(input, output, extra);
    }

    private static String[] score(Path input, String output, String... extra) {
        List<String> args = new ArrayList<>(List.of("score", "--model", model.toString(), "--input", input.toString(),
                "--output", output, "--master", "local[1]", "--output-format", "jsonl", "--partitions", "2"));
        args.addAll(Arrays.asList(extra));
        return args.toArray(String[]::new);
    }

    /** Every file's content and every directory under {@code root} (links listed as links, not followed). */
    static Map<String, String> snapshot(Path root) throws IOException {
        try {
            return tree(root);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static Map<String, String> tree(Path root) throws IOException, java.security.NoSuchAlgorithmException {
        Map<String, String> tree = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.toList()) {
                String key = root.relativize(p).toString();
                if (Files.isSymbolicLink(p)) {
                    tree.put(key, "link -> " + Files.readSymbolicLink(p));
                } else if (Files.isDirectory(p)) {
                    tree.put(key, "dir");
                } else {
                    tree.put(key, Files.size(p) + " bytes, sha-256 " + java.util.HexFormat.of().formatHex(
                            java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
                }
            }
        }
        return tree;
    }

    private static void assertRefusedAndUntouched(String output, String reason, String... extra) throws IOException {
        assertRefusedAndUntouched(input, output, reason, extra);
    }

    private static void assertRefusedAndUntouched(Path input, String output, String reason, String... extra)
            throws IOException {
        Map<String, String> before = snapshot(sandbox);
        Result r = plt(score(input, output, extra));
        assertEquals(PltCli.EXIT_BAD_SETUP, r.code(), r.err());
        assertEquals(1, r.err().lines().count(), "one line: " + r.err());
        assertTrue(r.err().contains(reason), () -> "expected '" + reason + "' in: " + r.err());
        assertFalse(r.err().contains("Exception"), r.err());
        assertUnchanged(before, snapshot(sandbox), "--output " + output);
    }

    @Test
    void overwriteRefusesEveryPathThatIsNotAnEarlierPltOutput() throws IOException {
        Path foreign = Files.createDirectories(sandbox.resolve("foreign"));
        Files.writeString(foreign.resolve("notes.txt"), "not plt's\n");
        Path regularFile = Files.writeString(sandbox.resolve("report.txt"), "a file\n");
        Path linkToInput = Files.createSymbolicLink(sandbox.resolve("link-to-input"), inputDir);
        Path linkToModels = Files.createSymbolicLink(sandbox.resolve("link-to-models"), model.getParent());

        assertRefusedAndUntouched(input.toString(), "it is the input", "--overwrite");
        assertRefusedAndUntouched(inputDir.toString(), "contains the input", "--overwrite");
        assertRefusedAndUntouched(sandbox.resolve("data").toString(), "contains the input", "--overwrite");
        assertRefusedAndUntouched(inputDir, inputDir.resolve("out").toString(), "inside the input");
        assertRefusedAndUntouched(model.toString(), "it is the model directory", "--overwrite");
        assertRefusedAndUntouched(model.resolve("out").toString(), "inside the model directory", "--overwrite");
        assertRefusedAndUntouched(linkToInput.toString(), "symbolic link", "--overwrite");
        assertRefusedAndUntouched(linkToInput.resolve("rows.jsonl").toString(), "it is the input", "--overwrite");
        assertRefusedAndUntouched(linkToModels.resolve("tiny").toString(), "it is the model directory", "--overwrite");
        assertRefusedAndUntouched(regularFile.toString(), "existing file", "--overwrite");
        assertRefusedAndUntouched(foreign.toString(), "plt did not write", "--overwrite");
        assertRefusedAndUntouched(home.toString(), "home directory", "--overwrite");
        assertRefusedAndUntouched("/", "root", "--overwrite");
        assertRefusedAndUntouched(sandbox.toString(), "contains the input", "--overwrite");
        assertRefusedAndUntouched(foreign.toString(), "already exists");
        assertRefusedAndUntouched(sandbox.resolve("new").toString(), "--max-batch-tokens must be at least 1",
                "--max-batch-tokens", "0");
    }

    @Test
    void overwriteReplacesAnEarlierOutputOnlyWhenItHoldsNothingElse() throws IOException {
        Path out = sandbox.resolve("runs/first");
        assertEquals(0, plt(score(out.toString())).code());
        assertTrue(Files.isRegularFile(out.resolve(RunManifest.FILE)));
        int rows = OutputRows.all(out).size();
        assertEquals(3, rows);

        // A failed or refused replacement leaves the old output exactly as it was.
        Map<String, String> before = snapshot(out);
        Result refused = plt(score(out.toString(), "--overwrite", "--batch-size", "0"));
        assertEquals(PltCli.EXIT_BAD_SETUP, refused.code());
        assertTrue(refused.err().contains("--batch-size must be at least 1"), refused.err());
        assertUnchanged(before, snapshot(out), "a refused --overwrite");

        // A user's file dropped into an old output makes it foreign: refused, nothing removed.
        Files.writeString(out.resolve("keep-me.txt"), "mine\n");
        assertRefusedAndUntouched(out.toString(), "keep-me.txt", "--overwrite");
        Files.delete(out.resolve("keep-me.txt"));

        assertEquals(0, plt(score(out.toString(), "--overwrite")).code());
        assertEquals(3, OutputRows.all(out).size(), "replaced, not appended");
        try (Stream<Path> siblings = Files.list(out.getParent())) {
            assertEquals(List.of(out), siblings.toList(), "no staging, replaced or lock file left beside it");
        }
    }

    @Test
    void aSecondWriterIsRefusedWhileTheFirstHoldsTheOutput() throws Exception {
        Path out = sandbox.resolve("concurrent/out");
        CompletableFuture<Result> first = CompletableFuture.supplyAsync(() -> plt(score(out.toString())));
        Path lock = OutputLock.fileOf(OutputLocation.local(out)).localPath();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (!Files.exists(lock) && !first.isDone()) {
            assertTrue(System.nanoTime() < deadline, "the first job never took the lock");
            Thread.sleep(5);
        }
        assertFalse(first.isDone(), "the first job should still hold the lock");
        Result second = plt(score(out.toString(), "--resume"));
        assertEquals(PltCli.EXIT_BAD_SETUP, second.code(), second.err());
        assertTrue(second.err().contains("being written by another job (plt score, process "
                + ProcessHandle.current().pid()), second.err());
        assertEquals(0, first.get(3, TimeUnit.MINUTES).code(), first.get().err());
        assertEquals(3, OutputRows.all(out).size(), "every row once");
        assertFalse(Files.exists(lock), "the lock goes with its job");
    }

    @Test
    void aLockLeftByAProcessThatIsGoneIsTakenOver() throws Exception {
        Path out = sandbox.resolve("stale/out");
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Path lock = OutputLock.fileOf(OutputLocation.local(out)).localPath();
        Files.createDirectories(lock.getParent());
        Files.writeString(lock, "{\"host\": \"" + java.net.InetAddress.getLocalHost().getHostName() + "\", \"pid\": "
                + gone.pid() + ", \"job\": \"plt score\", \"started\": \"2026-01-01T00:00:00Z\"}");
        Result r = plt(score(out.toString()));
        assertEquals(0, r.code(), r.err());
        assertEquals(3, OutputRows.all(out).size());
        assertFalse(Files.exists(lock));
    }

    @Test
    void resumeRefusesAnInputThatChangedOrAnotherInput() throws IOException {
        Path out = sandbox.resolve("resume/out");
        Path ownInput = Files.writeString(sandbox.resolve("resume-in.jsonl"), "{\"id\": 1, \"text\": \"abc\"}\n");
        String[] first = {"score", "--model", model.toString(), "--input", ownInput.toString(), "--output",
            out.toString(), "--master", "local[1]", "--output-format", "jsonl"};
        assertEquals(0, plt(first).code());
        Map<String, String> before = snapshot(out);

        Path other = Files.writeString(sandbox.resolve("other-in.jsonl"), "{\"id\": 9, \"text\": \"xyz\"}\n");
        String[] otherInput = first.clone();
        otherInput[4] = other.toString();
        Result r = plt(Stream.concat(Arrays.stream(otherInput), Stream.of("--resume")).toArray(String[]::new));
        assertEquals(PltCli.EXIT_BAD_SETUP, r.code(), r.err());
        assertTrue(r.err().contains("is not the one"), r.err());

        Files.writeString(ownInput, "{\"id\": 1, \"text\": \"abd\"}\n"); // one line edited
        r = plt(Stream.concat(Arrays.stream(first), Stream.of("--resume")).toArray(String[]::new));
        assertEquals(PltCli.EXIT_BAD_SETUP, r.code(), r.err());
        assertTrue(r.err().contains("is not the one"), r.err());
        assertUnchanged(before, snapshot(out), "refused resumes");
    }

    @Test
    void anOutputThatCannotBeWrittenFailsBeforeAnyWorkAndLeavesNothing() throws IOException {
        Path file = Files.writeString(sandbox.resolve("plain-file"), "x");
        assertRefusedAndUntouched(file.resolve("out").toString(), "cannot create its directory: " + file + " is a file");
        Path cwd = Path.of("").toAbsolutePath();
        List<Path> before;
        try (Stream<Path> entries = Files.list(cwd)) {
            before = entries.sorted().toList();
        }
        Result r = plt(score("s3a://bucket/out"));
        assertEquals(PltCli.EXIT_BAD_SETUP, r.code(), r.err());
        assertTrue(r.err().contains("no file system for the scheme 's3a'"), r.err());
        try (Stream<Path> entries = Files.list(cwd)) {
            assertEquals(before, entries.sorted().toList(), "no stray local directory such as ./s3a:");
        }
    }

    /**
     * A property over output-path choices: whatever the path (the input, the model, their ancestors and
     * descendants, links to them, the root, the home directory, files, foreign directories, a new path, an
     * earlier output) and the flags, everything that is not an earlier plt output stays as it was.
     */
    @Test
    void noOutputChoiceEverRemovesWhatTheJobDidNotWrite() throws IOException {
        Path own = sandbox.resolve("fuzz/own");
        Result first = plt(score(own.toString()));
        assertEquals(0, first.code(), first.err());
        Path foreign = Files.createDirectories(sandbox.resolve("fuzz/foreign"));
        Files.writeString(foreign.resolve("data.bin"), "1234");
        Files.createDirectories(foreign.resolve("samples"));
        Files.writeString(foreign.resolve("samples/part-00000-x.json"), "{}");
        Path linkToModel = Files.createSymbolicLink(sandbox.resolve("fuzz/link-model"), model);
        Path linkToFile = Files.createSymbolicLink(sandbox.resolve("fuzz/link-file"), input);
        List<String> candidates = List.of(input.toString(), inputDir.toString(), inputDir.getParent().toString(),
                model.toString(), model.resolve("config.json").toString(), model.getParent().toString(),
                linkToModel.toString(), linkToModel.resolve("x").toString(), linkToFile.toString(), "/", "/tmp",
                home.toString(), home.resolve("samples").toString(), foreign.toString(),
                foreign.resolve("samples").toString(), sandbox.toString(), sandbox.resolve("fuzz").toString(),
                own.toString(), own.resolve("part-x").toString(), sandbox.resolve("fuzz/new-%d").toString());
        List<List<String>> flags = List.of(List.of(), List.of("--overwrite"), List.of("--resume"));
        Random random = new Random(Long.getLong("plt.fuzz.seed", 17));
        for (int i = 0; i < Integer.getInteger("plt.fuzz.cases", 24); i++) {
            String target = String.format(candidates.get(random.nextInt(candidates.size())), i);
            List<String> extra = flags.get(random.nextInt(flags.size()));
            Map<String, String> before = withoutOwnOutputs(snapshot(sandbox));
            Result r = plt(score(target, extra.toArray(String[]::new)));
            assertTrue(r.code() == 0 || r.code() == PltCli.EXIT_BAD_SETUP, r.err());
            assertFalse(r.err().contains("Exception"), r.err());
            Map<String, String> after = withoutOwnOutputs(snapshot(sandbox));
            after.keySet().removeIf(k -> !before.containsKey(k)); // what the job wrote anew
            assertUnchanged(before, after, "case " + i + ": --output " + target + " " + extra + " -> " + r.err());
        }
    }

    /** Compares two snapshots, naming only the entries that differ. */
    static void assertUnchanged(Map<String, String> before, Map<String, String> after, String what) {
        Map<String, String> changed = new TreeMap<>();
        before.forEach((k, v) -> {
            if (!v.equals(after.get(k))) {
                changed.put(k, v + " -> " + after.get(k));
            }
        });
        after.forEach((k, v) -> {
            if (!before.containsKey(k)) {
                changed.put(k, "(new) " + v);
            }
        });
        assertTrue(changed.isEmpty(), () -> what + " changed: " + changed);
    }

    /** Drops the files of earlier plt outputs (directories holding a run record) from a snapshot. */
    private static Map<String, String> withoutOwnOutputs(Map<String, String> tree) {
        List<String> outputs = tree.keySet().stream().filter(k -> k.endsWith("/" + RunManifest.FILE))
                .map(k -> k.substring(0, k.length() - RunManifest.FILE.length())).toList();
        Map<String, String> rest = new TreeMap<>(tree);
        rest.keySet().removeIf(k -> outputs.stream().anyMatch(k::startsWith));
        return rest;
    }
}
