package dev.plt.jobs.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading bin/plt-peer's one JSON object, and finding out that the peer is not there. */
class PeerOutputTest {
    @Test
    void parsesTheResultsAndDerivesTokensPerSecondFromStepTime() {
        PeerOutput out = PeerOutput.parse("{\"engine\": \"DJL 0.36.0 / PyTorch 2.7.1\", \"threads\": 2, \"dtype\": \"f32\","
                + " \"results\": [{\"batch\": 1, \"decode_ms_per_token\": 20.0, \"prefill_tokens_per_s\": 900.5},"
                + " {\"batch\": 8, \"decode_ms_per_token\": 40.0, \"prefill_tokens_per_s\": 1000,"
                + " \"decode_tokens_per_s\": 123.0}]}\n");
        assertEquals("DJL 0.36.0 / PyTorch 2.7.1", out.engine());
        assertEquals(2, out.threads());
        assertEquals(50.0, out.at(1).decodeTokensPerSecond(), 1e-12, "1 sequence x 1000 / 20 ms");
        assertEquals(900.5, out.at(1).prefillTokensPerSecond());
        assertEquals(123.0, out.at(8).decodeTokensPerSecond(), "the peer's own figure wins when given");
        assertEquals(null, out.at(32));
    }

    @Test
    void findsTheObjectAfterABanner() {
        PeerOutput out = PeerOutput.parse("Loading PyTorch native library...\n"
                + "{\"engine\": \"pt\", \"results\": [{\"batch\": 1, \"decode_ms_per_token\": 5, \"prefill_tokens_per_s\": 1}]}\n");
        assertEquals("pt", out.engine());
        assertEquals(200.0, out.at(1).decodeTokensPerSecond(), 1e-12);
    }

    @Test
    void badOutputGetsAMessageNamingWhatIsWrong() {
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> PeerOutput.parse("oops\n"));
        assertEquals("plt-peer printed no JSON object on stdout: oops", none.getMessage());
        IllegalArgumentException field = assertThrows(IllegalArgumentException.class, () -> PeerOutput.parse(
                "{\"results\": [{\"batch\": 1, \"prefill_tokens_per_s\": 1}]}"));
        assertTrue(field.getMessage().contains("results[0].decode_ms_per_token is missing"), field.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PeerOutput.parse("{\"results\": []}"));
    }

    @Test
    void aCheckoutWithoutThePeerSaysWhy(@TempDir Path home) throws IOException {
        assertTrue(PeerBench.missing(home).orElseThrow().contains("bin/plt-peer not found"));
        Path script = Files.createDirectories(home.resolve("bin")).resolve("plt-peer");
        Files.writeString(script, "#!/bin/sh\n");
        assertTrue(script.toFile().setExecutable(true));
        assertTrue(PeerBench.missing(home).orElseThrow().contains("trainer module is not built"));
        Files.createDirectories(home.resolve("trainer/target/classes"));
        Files.createDirectories(home.resolve("trainer/target/lib"));
        assertTrue(PeerBench.missing(home).isEmpty());
    }
}
