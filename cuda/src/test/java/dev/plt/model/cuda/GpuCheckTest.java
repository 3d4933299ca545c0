package dev.plt.model.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The device-check program's behaviour where there is no GPU: it proves the CPU side, then says why it stops. */
class GpuCheckTest {
    @Test
    void withoutAGpuItRunsTheCpuSmokeThenReportsTheReasonAndExits2() {
        assumeFalse(CudaBackend.availability().available(), "this machine has a usable GPU");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = GpuCheck.run(new String[] {"availability"}, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(2, code, out);
        assertTrue(out.contains("CPU engine OK"), out);
        assertTrue(out.contains("CUDA unavailable: " + CudaBackend.availability().reason()), out);
    }

    @Test
    void badArgumentsGetUsage() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = GpuCheck.run(new String[] {"--steps"}, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertEquals(2, code);
        assertTrue(bytes.toString(StandardCharsets.UTF_8).contains("usage: GpuCheck"));
    }
}
