package dev.plt.model.kernels;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The per-width {@link VectorLoops} classes come from one template at build time (see {@link VectorLoops}):
 * no hand-kept width copy may come back into the sources, and each generated class must be the template
 * with only the width filled in, so a fix made in the template reaches every width.
 */
class VectorLoopsGenerationTest {
    private static final Path MODULE = Path.of(System.getProperty("basedir", "."));
    private static final Path TEMPLATE =
            MODULE.resolve("src/main/templates/dev/plt/model/kernels/VectorLoopsN.java.template");
    private static final Path GENERATED = MODULE.resolve("target/generated-sources/vector-loops/dev/plt/model/kernels");
    private static final Pattern WIDTH_COPY = Pattern.compile("VectorLoops[0-9]+\\.java");

    @Test
    void noHandKeptWidthCopyInTheSources() throws IOException {
        List<Path> copies;
        try (Stream<Path> files = Files.walk(MODULE.resolve("src"))) {
            copies = files.filter(f -> WIDTH_COPY.matcher(f.getFileName().toString()).matches()).toList();
        }
        assertEquals(List.of(), copies, "the VectorLoops classes of each width are generated from " + TEMPLATE
                + "; delete the hand-kept copies and edit the template");
    }

    @ParameterizedTest(name = "VectorLoops{0}")
    @ValueSource(ints = {128, 256, 512})
    void generatedClassIsTheTemplateWithItsWidth(int bits) throws IOException {
        assertTrue(Files.exists(TEMPLATE), "run from the model module: " + TEMPLATE.toAbsolutePath());
        Path generated = GENERATED.resolve("VectorLoops" + bits + ".java");
        assertTrue(Files.exists(generated), "the build (generate-sources) did not write " + generated);

        List<String> template = Files.readAllLines(TEMPLATE);
        List<String> lines = Files.readAllLines(generated);
        assertEquals("// @GENERATED@", template.get(0));
        assertTrue(lines.get(0).startsWith("// Generated, do not edit: made from src/main/templates/"),
                "first line of " + generated + ": " + lines.get(0));
        assertTrue(lines.get(0).contains(bits + "-bit"), lines.get(0));

        List<String> expected = template.subList(1, template.size()).stream()
                .map(line -> line.replace("@BITS@", Integer.toString(bits)))
                .toList();
        assertEquals(expected, lines.subList(1, lines.size()),
                generated + " must be the template with @BITS@ replaced by " + bits + " and nothing else");
        assertTrue(lines.contains("final class VectorLoops" + bits + " implements VectorLoops {"));
        assertTrue(lines.contains("    static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_" + bits + ";"));
        assertFalse(String.join("\n", lines).contains("@BITS@"));
    }
}
