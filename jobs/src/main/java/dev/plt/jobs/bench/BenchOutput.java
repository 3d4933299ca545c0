package dev.plt.jobs.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes bench.json, bench.html and bench.md into the output directory. */
public final class BenchOutput {
    /** bench.json's mapper: records as objects, keys in snake_case. */
    public static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private BenchOutput() {
    }

    /** Writes the three files and returns the markdown (the caller prints it). */
    public static String write(BenchReport report, Path dir) throws IOException {
        Files.createDirectories(dir);
        JSON.writeValue(dir.resolve("bench.json").toFile(), report);
        Files.writeString(dir.resolve("bench.html"), BenchHtml.render(report), StandardCharsets.UTF_8);
        String markdown = BenchMarkdown.render(report);
        Files.writeString(dir.resolve("bench.md"), markdown, StandardCharsets.UTF_8);
        return markdown;
    }
}
