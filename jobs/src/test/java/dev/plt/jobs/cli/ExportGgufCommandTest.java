package dev.plt.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.plt.model.io.DType;
import dev.plt.model.checkpoint.RandomCheckpoint;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code plt export-gguf}: writes a GGUF file; a loop model, a bad type, an existing output get one line and exit 2. */
class ExportGgufCommandTest {
    @TempDir
    Path dir;

    private Path nonLoop() {
        return RandomCheckpoint.write(dir.resolve("m"), RandomCheckpoint.Spec.small().withShape(64, 96, 1, 4, 2, 16, 300)
                .withLoops(1, "parallel").withFormat(false, false, DType.F32, 1, 1));
    }

    @Test
    void writesAGgufFile() throws Exception {
        Path out = dir.resolve("m.gguf");
        StringWriter err = new StringWriter();
        assertEquals(0, PltCli.execute(new PrintWriter(err, true), "export-gguf", "--model", nonLoop().toString(),
                "--output", out.toString(), "--type", "q8_0"));
        byte[] start = new byte[8];
        System.arraycopy(Files.readAllBytes(out), 0, start, 0, 8);
        assertEquals("GGUF", new String(start, 0, 4, StandardCharsets.US_ASCII));
        assertEquals(3, start[4], "version 3");
        assertEquals("", err.toString());
    }

    @Test
    void aLoopModelIsRefusedInOneLine() {
        Path plt = RandomCheckpoint.write(dir.resolve("plt"), RandomCheckpoint.Spec.small().withShape(64, 96, 1, 4, 2, 16, 300));
        String err = refused("export-gguf", "--model", plt.toString(), "--output", dir.resolve("p.gguf").toString());
        assertTrue(err.startsWith("plt export-gguf: --model ") && err.contains("plt_num_loops = 2"), err);
        assertFalse(Files.exists(dir.resolve("p.gguf")));
    }

    @Test
    void aBadTypeAndAnExistingOutputAreRefused() throws Exception {
        Path model = nonLoop();
        String err = refused("export-gguf", "--model", model.toString(), "--output", dir.resolve("x.gguf").toString(),
                "--type", "q4_k");
        assertEquals("plt export-gguf: --type: unknown type 'q4_k' (use f32, f16, bf16 or q8_0)", err);
        Path existing = Files.writeString(dir.resolve("e.gguf"), "keep");
        err = refused("export-gguf", "--model", model.toString(), "--output", existing.toString());
        assertTrue(err.contains("--output") && err.contains("--overwrite"), err);
        assertEquals("keep", Files.readString(existing));
    }

    private static String refused(String... args) {
        StringWriter err = new StringWriter();
        assertEquals(2, PltCli.execute(new PrintWriter(err, true), args));
        String text = err.toString().strip();
        assertEquals(1, text.lines().count(), text);
        return text;
    }
}
