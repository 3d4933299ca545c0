package dev.plt.model.kernels.gemm;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The per-shape GEMM kernels must stay copies of {@link GemmKernel512} with the width renamed (see {@link GemmKernel}). */
class GemmKernelSourceTest {
    private static final Path SOURCES = Path.of(System.getProperty("basedir", "."))
            .resolve("src/main/java/dev/plt/model/kernels/gemm");

    @ParameterizedTest(name = "GemmKernel{0}")
    @ValueSource(ints = {256, 128})
    void isTheTemplateWithTheWidthReplaced(int bits) throws IOException {
        Path template = SOURCES.resolve("GemmKernel512.java");
        assertTrue(Files.exists(template), "run from the model module: " + template.toAbsolutePath());
        String expected = Files.readString(template)
                .replace("GemmKernel512", "GemmKernel" + bits)
                .replace("SPECIES_512", "SPECIES_" + bits)
                .replace("512-bit", bits + "-bit");
        String actual = Files.readString(SOURCES.resolve("GemmKernel" + bits + ".java"));
        assertEquals(expected, actual, "GemmKernel" + bits + ".java must be GemmKernel512.java with the width "
                + "renamed; regenerate it: sed -e s/GemmKernel512/GemmKernel" + bits + "/g -e s/SPECIES_512/SPECIES_"
                + bits + "/g -e s/512-bit/" + bits + "-bit/g GemmKernel512.java > GemmKernel" + bits + ".java");
    }
}
