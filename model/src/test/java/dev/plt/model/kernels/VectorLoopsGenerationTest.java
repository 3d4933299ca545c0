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
 * The per-width {@link VectorLoops} and {@code gemm.GemmKernel} classes come from one template each at build
 * time (see {@link VectorLoops}): no hand-kept width copy may come back into the sources, and each generated
 * class must be the template with only the width filled in, so a fix made in the template reaches every width.
 */
class VectorLoopsGenerationTest {
    private static final Path MODULE = Path.of(System.getProperty("basedir", "."));
    private static final Path TEMPLATES = MODULE.resolve("src/main/templates/dev/plt/model/kernels");
    private static final Path GENERATED = MODULE.resolve("target/generated-sources/vector-loops/dev/plt/model/kernels");
    private static final Pattern WIDTH_COPY = Pattern.compile("(VectorLoops|GemmKernel)[0-9]+\\.java");

    @Test
    void noHandKeptWidthCopyInTheSources() throws IOException {
        List<Path> copies;
        try (Stream<Path> files = Files.walk(MODULE.resolve("src"))) {
            copies = files.filter(f -> WIDTH_COPY.matcher(f.getFileName().toString()).matches()).toList();
        }
        assertEquals(List.of(), copies, "the VectorLoops and GemmKernel classes of each width are generated from "
                + "the templates under " + TEMPLATES + "; delete the hand-kept copies and edit the template");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"VectorLoops128", "VectorLoops256", "VectorLoops512", "gemm/GemmKernel128",
        "gemm/GemmKernel256", "gemm/GemmKernel512"})
    void generatedClassIsTheTemplateWithItsWidth(String name) throws IOException {
        int bits = Integer.parseInt(name.replaceAll("\\D", ""));
        String family = name.replaceAll("\\d", "");
        Path template = TEMPLATES.resolve(family + "N.java.template");
        String simpleName = Path.of(name).getFileName().toString();
        String familyName = Path.of(family).getFileName().toString();
        assertTrue(Files.exists(template), "run from the model module: " + template.toAbsolutePath());
        Path generated = GENERATED.resolve(name + ".java");
        assertTrue(Files.exists(generated), "the build (generate-sources) did not write " + generated);

        List<String> templateLines = Files.readAllLines(template);
        List<String> lines = Files.readAllLines(generated);
        assertEquals("// @GENERATED@", templateLines.get(0));
        assertTrue(lines.get(0).startsWith("// Generated, do not edit: made from src/main/templates/"),
                "first line of " + generated + ": " + lines.get(0));
        assertTrue(lines.get(0).contains(bits + "-bit"), lines.get(0));

        List<String> expected = templateLines.subList(1, templateLines.size()).stream()
                .map(line -> line.replace("@BITS@", Integer.toString(bits)))
                .toList();
        assertEquals(expected, lines.subList(1, lines.size()),
                generated + " must be the template with @BITS@ replaced by " + bits + " and nothing else");
        assertTrue(lines.contains("final class " + simpleName + " implements " + familyName + " {"));
        assertTrue(lines.contains("    static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_" + bits + ";"));
        assertFalse(String.join("\n", lines).contains("@BITS@"));
    }
}
