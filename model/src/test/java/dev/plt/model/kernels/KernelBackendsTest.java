package dev.plt.model.kernels;

import dev.plt.model.kernels.pool.EnginePool;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KernelBackendsTest {
    private EnginePool pool;
    private LogCapture log;

    @BeforeEach
    void setUp() {
        pool = new EnginePool(2);
        log = LogCapture.start(KernelBackends.class);
    }

    @AfterEach
    void tearDown() {
        log.detach();
        pool.close();
    }

    @Test
    void vectorModuleIsPresentInTheseTests() {
        assertTrue(KernelBackends.vectorModulePresent(), "surefire passes --add-modules jdk.incubator.vector");
    }

    @Test
    void scalarOnRequest() {
        Kernels k = KernelBackends.select("scalar", pool);
        assertInstanceOf(ScalarKernels.class, k);
        assertEquals("scalar", k.name());
        assertEquals(List.of("INFO Kernel backend: scalar (no vectors), 2 thread(s)"), log.lines());
    }

    @Test
    void vectorWidthsOnRequest() {
        assertEquals("vector-256", KernelBackends.select("vector-256", pool).name());
        assertEquals("vector-512", KernelBackends.select(" Vector-512 ", pool).name());
        assertTrue(log.lines().contains("INFO Kernel backend: vector-256 (256-bit vectors, 8 float lanes), 2 thread(s), "
                + "packed GEMM from " + VectorKernels.defaultGemmMinRows(256) + " rows ("
                + VectorKernels.DEFAULT_INT8_GEMM_MIN_ROWS + " with int8 weights)"), log.lines().toString());
    }

    @Test
    void gemmThresholdComesFromTheSystemPropertyOrTheDefault() {
        assertEquals(16, KernelBackends.gemmMinRows(null, 512));
        assertEquals(32, KernelBackends.gemmMinRows(null, 256));
        assertEquals(2147483647, KernelBackends.gemmMinRows(" 2147483647 ", 512));
        assertEquals(1, KernelBackends.gemmMinRows("1", 256));
        for (String bad : new String[] {"0", "-3", "many", ""}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> KernelBackends.gemmMinRows(bad, 512));
            assertEquals("-Dplt.gemm.minRows must be a whole number >= 1, got '" + bad + "'", e.getMessage());
        }
    }

    @Test
    void autoAndVectorPickThePreferredWidth() {
        int preferred = VectorKernels.preferredSpecies().vectorBitSize();
        for (String option : new String[] {"auto", "vector"}) {
            Kernels k = KernelBackends.select(option, pool);
            assertInstanceOf(VectorKernels.class, k);
            assertEquals("vector-" + preferred, k.name());
        }
        assertTrue(log.lines().stream().noneMatch(line -> line.startsWith("WARN")), log.lines().toString());
    }

    @Test
    void autoFallsBackToScalarWithAWarningWhenTheModuleIsMissing() {
        Kernels k = KernelBackends.select("auto", pool, false);
        assertInstanceOf(ScalarKernels.class, k);
        String warning = log.lines().get(0);
        assertTrue(warning.startsWith("WARN ") && warning.contains("jdk.incubator.vector is missing")
                && warning.contains("--add-modules jdk.incubator.vector"), warning);
    }

    @Test
    void explicitVectorFailsWhenTheModuleIsMissing() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> KernelBackends.select("vector-512", pool, false));
        assertTrue(e.getMessage().contains("--add-modules jdk.incubator.vector"), e.getMessage());
    }

    @Test
    void unknownOptionNamesTheValueAndTheValidOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KernelBackends.select("gpu", pool));
        assertEquals("Unknown kernel backend 'gpu'; valid options: auto, vector, vector-256, vector-512, scalar",
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> KernelBackends.select(null, pool));
        assertThrows(IllegalArgumentException.class, () -> KernelBackends.select("vector-1024", pool));
    }

    /** Collects "LEVEL message" lines logged by one class, at all levels, while started. */
    static final class LogCapture extends AbstractAppender {
        private final List<String> lines = new CopyOnWriteArrayList<>();
        private final String loggerName;

        private LogCapture(String loggerName) {
            super("capture-" + loggerName, null, null, true, Property.EMPTY_ARRAY);
            this.loggerName = loggerName;
        }

        static LogCapture start(Class<?> source) {
            LogCapture capture = new LogCapture(source.getName());
            capture.start();
            LoggerContext context = (LoggerContext) LogManager.getContext(false);
            Configuration config = context.getConfiguration();
            LoggerConfig logger = new LoggerConfig(source.getName(), Level.ALL, false);
            logger.addAppender(capture, Level.ALL, null);
            config.addLogger(source.getName(), logger);
            context.updateLoggers();
            return capture;
        }

        void detach() {
            LoggerContext context = (LoggerContext) LogManager.getContext(false);
            context.getConfiguration().removeLogger(loggerName);
            context.updateLoggers();
            stop();
        }

        @Override
        public void append(LogEvent event) {
            lines.add(event.getLevel() + " " + event.getMessage().getFormattedMessage());
        }

        List<String> lines() {
            return lines;
        }
    }
}
