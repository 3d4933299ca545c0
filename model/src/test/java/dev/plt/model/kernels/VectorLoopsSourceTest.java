package dev.plt.model.kernels;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The per-shape loop classes must stay copies of {@link VectorLoops512} with the width renamed (see
 * {@link VectorLoops} for why they exist), so a fix made in one shape cannot be forgotten in another.
 */
class VectorLoopsSourceTest {
    private static final Path SOURCES = Path.of(System.getProperty("basedir", "."))
            .resolve("src/main/java/dev/plt/model/kernels");

    @ParameterizedTest(name = "VectorLoops{0}")
    @ValueSource(ints = {256, 128})
    void isTheTemplateWithTheWidthReplaced(int bits) throws IOException {
        Path template = SOURCES.resolve("VectorLoops512.java");
        assertTrue(Files.exists(template), "run from the model module: " + template.toAbsolutePath());
        String expected = Files.readString(template)
                .replace("VectorLoops512", "VectorLoops" + bits)
                .replace("SPECIES_512", "SPECIES_" + bits)
                .replace("512-bit", bits + "-bit");
        String actual = Files.readString(SOURCES.resolve("VectorLoops" + bits + ".java"));
        assertEquals(expected, actual, "VectorLoops" + bits + ".java must be VectorLoops512.java with the width "
                + "renamed; regenerate it: sed -e s/VectorLoops512/VectorLoops" + bits + "/g -e s/SPECIES_512/SPECIES_"
                + bits + "/g -e s/512-bit/" + bits + "-bit/g VectorLoops512.java > VectorLoops" + bits + ".java");
    }
}
