package dev.plt.jobs.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Python renderings lm-eval's files depend on. Every expected string here is what CPython 3.11
 * prints for the same value ({@code repr(x)}, {@code json.dumps(...)}, {@code hashlib.sha256(...).hexdigest()}),
 * copied from the interpreter.
 */
class PythonJsonTest {
    @TempDir
    Path dir;

    @Test
    void floatsPrintAsPythonsRepr() {
        double[] values = {5e-324, Double.MAX_VALUE, Math.pow(2, -44), 1e22, 1e23, 0.1 + 0.2, -12.345678901234567,
            123456789.0, 9007199254740993.0, 1e15, 123456789012345.6, Math.pow(2, 60), 0.3, 100.0, 1.5e-7, -4.2e-05,
            1e16, 0.0001, 1e-5, -0.0, 0.0, 1.0, -2.5};
        String[] python = {"5e-324", "1.7976931348623157e+308", "5.684341886080802e-14", "1e+22", "1e+23",
            "0.30000000000000004", "-12.345678901234567", "123456789.0", "9007199254740992.0", "1000000000000000.0",
            "123456789012345.6", "1.152921504606847e+18", "0.3", "100.0", "1.5e-07", "-4.2e-05", "1e+16", "0.0001",
            "1e-05", "-0.0", "0.0", "1.0", "-2.5"};
        for (int i = 0; i < values.length; i++) {
            assertEquals(python[i], PythonJson.repr(values[i]), "repr of " + values[i]);
        }
        assertEquals("nan", PythonJson.repr(Double.NaN));
        assertEquals("-inf", PythonJson.repr(Double.NEGATIVE_INFINITY));
        assertEquals("True", PythonJson.str(true));
        assertEquals("False", PythonJson.str(false));
    }

    @Test
    void reprReadsBackToTheSameDouble() {
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < 2_000; i++) {
            double x = Double.longBitsToDouble(random.nextLong());
            if (Double.isFinite(x)) {
                assertEquals(x, Double.parseDouble(PythonJson.repr(x)), "repr " + PythonJson.repr(x));
            }
            double ll = -random.nextDouble() * 50; // log-likelihoods, the usual values
            String repr = PythonJson.repr(ll);
            assertEquals(ll, Double.parseDouble(repr));
            // shortest: one digit fewer would not read back
            String digits = repr.replaceAll("[^0-9]", "").replaceFirst("^0+", "");
            if (digits.length() > 1 && !repr.contains("e")) {
                java.math.BigDecimal shorter = new java.math.BigDecimal(ll)
                        .round(new java.math.MathContext(digits.length() - 1, java.math.RoundingMode.HALF_EVEN));
                assertEquals(false, shorter.doubleValue() == ll, repr + " is not the shortest");
            }
        }
    }

    @Test
    void jsonDumpsLikePythonIndentedAndOnOneLine() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("b", List.of());
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("a", List.of(1, 2.5, inner));
        value.put("c", Map.of());
        value.put("d", null);
        value.put("e", true);
        value.put("f", "x\ty\u001f\u00e9");
        String indented = "{\n  \"a\": [\n    1,\n    2.5,\n    {\n      \"b\": []\n    }\n  ],\n  \"c\": {},\n"
                + "  \"d\": null,\n  \"e\": true,\n  \"f\": \"x\\ty\\u001f\u00e9\"\n}";
        assertEquals(indented, PythonJson.dumps(value, 2));

        value.put("f", Double.NaN);
        value.put("g", Double.NEGATIVE_INFINITY);
        assertEquals("{\"a\": [1, 2.5, {\"b\": []}], \"c\": {}, \"d\": null, \"e\": true, \"f\": NaN, \"g\": -Infinity}",
                PythonJson.dumps(value));
        assertEquals("\"q\\\"\\\\\\b\\f\\n\\r/\u2028\"", PythonJson.dumps("q\"\\\b\f\n\r/\u2028"));
        assertEquals("[\n  null\n]", PythonJson.dumps(Arrays.asList((Object) null), 2));
    }

    @Test
    void hashStringIsSha256OfUtf8() {
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", PythonJson.hashString("abc"));
        assertEquals("4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c", PythonJson.hashString("é"));
    }

    @Test
    void gitHashComesFromTheBuildsResourceOrIsNull() throws Exception {
        assertNull(BuildInfo.gitHash(loaderWith(null)), "no resource");
        assertNull(BuildInfo.gitHash(loaderWith("git_hash=\n")), "empty: git was not available");
        assertNull(BuildInfo.gitHash(loaderWith("git_hash=fatal: not a git repository\n")));
        String hash = "d6e324b500701e56cd0df0bf749979ded6c82672";
        assertEquals(hash, BuildInfo.gitHash(loaderWith("git_hash=" + hash + "\n")));
    }

    private ClassLoader loaderWith(String properties) throws Exception {
        Path root = Files.createTempDirectory(dir, "cp");
        if (properties != null) {
            Path file = root.resolve(BuildInfo.RESOURCE);
            Files.createDirectories(file.getParent());
            Files.writeString(file, properties);
        }
        return new URLClassLoader(new URL[] {root.toUri().toURL()}, null);
    }
}
