package dev.plt.jobs.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plt.datasets.tasks.RollingWindows;
import dev.plt.jobs.SharedSpark;
import dev.plt.jobs.cli.PltCli;
import dev.plt.model.inference.EngineOptions;
import dev.plt.model.inference.PltModel;
import dev.plt.model.inference.TokenScores;
import dev.plt.model.checkpoint.RandomCheckpoint;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code plt evaluate --task perplexity} with windows much shorter than the document: every rolling
 * window is full (max-length predictions after its context, so max-length + 1 tokens) and none may be
 * cut by the length limit. bits_per_byte equals the engine's own sum over the same windows.
 */
@ExtendWith(SharedSpark.class)
class PerplexityEvaluationTest {
    private static final int MAX_LENGTH = 16;

    @TempDir
    Path dir;

    @Test
    void fullRollingWindowsAreScoredWholeAndMatchTheEngine() throws Exception {
        Path model = RandomCheckpoint.write(dir.resolve("model"), RandomCheckpoint.Spec.small());
        String text = "To be, or not to be, that is the question: whether 'tis nobler in the mind to suffer.";
        Path data = Files.writeString(dir.resolve("doc.txt"), text);
        Path out = dir.resolve("out");
        StringWriter err = new StringWriter();
        int code = PltCli.execute(new PrintWriter(err, true), "evaluate", "--task", "perplexity", "--data",
                data.toString(), "--model", model.toString(), "--max-length", Integer.toString(MAX_LENGTH),
                "--master", "local[2]", "--output", out.toString());
        assertEquals(0, code, err.toString());
        JsonNode metrics = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
        assertEquals(0, metrics.get("errors").asInt(), metrics.toString());

        double total = 0;
        try (PltModel engine = PltModel.load(model, EngineOptions.defaults())) {
            int[] ids = engine.requireTokenizer().encode(text);
            int endOfText = engine.requireTokenizer().tokenId("<|endoftext|>").orElseThrow();
            for (RollingWindows.Window w : RollingWindows.of(ids, endOfText, MAX_LENGTH)) {
                int[] row = new int[w.context().length + w.continuation().length];
                System.arraycopy(w.context(), 0, row, 0, w.context().length);
                System.arraycopy(w.continuation(), 0, row, w.context().length, w.continuation().length);
                TokenScores scores = engine.score(List.of(row)).get(0);
                double[] lp = scores.logprobs();
                for (int t = lp.length - w.continuation().length; t < lp.length; t++) {
                    total += lp[t];
                }
            }
        }
        double bitsPerByte = -total / (text.getBytes(StandardCharsets.UTF_8).length * Math.log(2));
        assertEquals(bitsPerByte, metrics.get("metrics").get("bits_per_byte").get("value").asDouble(), 1e-9);
    }
}
