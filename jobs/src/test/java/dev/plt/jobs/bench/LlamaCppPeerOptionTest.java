package dev.plt.jobs.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.plt.jobs.cli.PltCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code plt bench --peer NAME}: unknown names, bad types and a missing llama.cpp get one line and exit 2. */
class LlamaCppPeerOptionTest {
    @TempDir
    Path dir;

    @Test
    void anUnknownPeerIsRefusedNamingTheOption() {
        assertEquals("plt bench: --peer: unknown peer 'vllm' (use torch or llama.cpp)", refused("bench", "--quick", "--peer", "vllm", "--output",
                dir.toString()));
    }

    @Test
    void anUnknownLlamaTypeIsRefused() {
        String err = refused("bench", "--quick", "--peer", "llama.cpp", "--llama-types", "f32,q4_k", "--output",
                dir.toString());
        assertEquals("plt bench: --llama-types: unknown type 'q4_k' (use f32, f16, bf16 or q8_0)", err);
    }

    @Test
    void llamaCppNotBuiltIsRefusedWithWhatToRun() {
        // plt.home is the jobs module here, where nothing builds llama.cpp (unless PLT_LLAMA_CPP points at one)
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv(LlamaCppTools.ENV) == null);
        String err = refused("bench", "--quick", "--peer", "llama.cpp", "--output", dir.toString(), "--cache-dir",
                dir.resolve("cache").toString());
        assertTrue(err.startsWith("plt bench: --peer llama.cpp: llama.cpp is not built in ")
                && err.contains("scripts/build-llama-cpp.sh"), err);
    }

    private static String refused(String... args) {
        StringWriter err = new StringWriter();
        assertEquals(2, PltCli.execute(new PrintWriter(err, true), args), err.toString());
        String text = err.toString().strip();
        assertEquals(1, text.lines().count(), text);
        return text;
    }
}
