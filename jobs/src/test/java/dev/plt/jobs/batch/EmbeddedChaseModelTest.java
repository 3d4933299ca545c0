package dev.plt.jobs.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plt.datasets.tasks.registry.ProjectLayout;
import dev.plt.jobs.SharedSpark;
import dev.plt.jobs.cli.PltCli;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's pointer-chasing example as printed: {@code plt generate} with the embedded {@code models/chase-plt2}
 * on {@code models/chase-plt2/example-queries.jsonl} answers every held-out query (one greedy token) with the
 * answer the file gives, 2-hop queries included.
 */
@ExtendWith(SharedSpark.class)
class EmbeddedChaseModelTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void theEmbeddedChasingModelAnswersTheReadmeQueries() throws IOException {
        Path model = ProjectLayout.root().resolve("models/chase-plt2");
        Path queries = model.resolve("example-queries.jsonl");
        Path out = dir.resolve("answers");
        StringWriter err = new StringWriter();
        int code = PltCli.execute(new PrintWriter(err, true), "generate", "--model", model.toString(),
                "--input", queries.toString(), "--output", out.toString(), "--output-format", "jsonl",
                "--max-new-tokens", "1");
        assertEquals(0, code, err.toString());

        List<JsonNode> rows = new ArrayList<>();
        try (Stream<Path> files = Files.list(out)) {
            for (Path part : files.filter(p -> p.getFileName().toString().startsWith("part-")).toList()) {
                for (String line : Files.readAllLines(part)) {
                    rows.add(JSON.readTree(line));
                }
            }
        }
        assertEquals(Files.readAllLines(queries).size(), rows.size(), "one answer per query");
        for (JsonNode row : rows) {
            assertEquals(row.get("answer").asText(), row.get("generated_text").asText(),
                    "query " + row.get("text").asText());
        }
    }
}
