package dev.plt.datasets.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.plt.datasets.SharedDatasets;
import dev.plt.datasets.tasks.metrics.TaskAccumulator;
import dev.plt.datasets.tasks.metrics.TaskResult;
import dev.plt.datasets.tasks.perplexity.DocumentSplitter;
import dev.plt.datasets.tasks.perplexity.HeldOutTail;
import dev.plt.datasets.tasks.perplexity.PerplexitySource;
import dev.plt.datasets.tasks.registry.TaskRegistry;
import dev.plt.datasets.tasks.scoring.PerplexityScorer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PerplexityTest {

    @Test
    void wordsAreCountedAsLmEvalsRegexSplit() {
        assertEquals(3, PerplexityScorer.countWords("a b  c"));
        assertEquals(3, PerplexityScorer.countWords("a\nb\tc"));
        assertEquals(4, PerplexityScorer.countWords(" a b "), "re.split keeps the empty edges");
        assertEquals(1, PerplexityScorer.countWords(""));
        assertEquals(2, PerplexityScorer.countWords("a\u3000b"), "Unicode whitespace, as Python's \\s");
    }

    @Test
    void bytesAreUtf8() {
        assertEquals(5, PerplexityScorer.countBytes("héllo".substring(0, 4)), "h é(2) l l");
        assertEquals(3, PerplexityScorer.countBytes("世"));
    }

    @Test
    void aggregatesFollowTheFormulasOnAHandCase() {
        // doc 1 "to be or" : 3 words, 8 bytes, ll -6 ; doc 2 "not" : 1 word, 3 bytes, ll -5.
        // word_perplexity = exp(11/4), byte_perplexity = exp(11/11) = e, bits_per_byte = 11/(11 ln 2).
        Task task = new Task("ppl", RequestType.LOGLIKELIHOOD_ROLLING, List::of, new PerplexityScorer());
        TaskAccumulator acc = task.newAccumulator();
        acc.add(task.score(doc("to be or"), List.of(Response.rolling(-6))));
        acc.add(task.score(doc("not"), List.of(Response.rolling(-5))));
        TaskResult r = acc.result();
        assertEquals(Math.exp(11.0 / 4), r.metrics().get("word_perplexity").value(), 1e-12);
        assertEquals(Math.E, r.metrics().get("byte_perplexity").value(), 1e-12);
        assertEquals(1 / Math.log(2), r.metrics().get("bits_per_byte").value(), 1e-12);
    }

    @Test
    void chunksPartitionTheTextAtLineBreaks() {
        String text = "line one\nline two\nthree\n" + "x".repeat(25) + "\nend";
        List<String> chunks = DocumentSplitter.CHUNKS.split(text, 20);
        assertEquals(text, String.join("", chunks), "every character scored exactly once");
        assertEquals("line one\nline two\n", chunks.get(0));
        chunks.forEach(c -> assertEquals(true, c.length() <= 20, c));
    }

    @Test
    void theTailIsTheLastRoundedFractionOfTheBytes() {
        byte[] bytes = "0123456789".repeat(10).getBytes(StandardCharsets.UTF_8);
        assertEquals("56789", HeldOutTail.of(bytes, 0.05), "round(100 * 0.05) = 5 bytes");
        assertEquals(new String(bytes, StandardCharsets.UTF_8), HeldOutTail.of(bytes, 0));
        byte[] accented = "aaaaaaaaé".getBytes(StandardCharsets.UTF_8); // 10 bytes, é is the last two
        assertEquals("", HeldOutTail.of(accented, 0.1), "a cut inside a character moves past it");
        assertEquals("é", HeldOutTail.of(accented, 0.2));
    }

    @Test
    void aTailFractionScoresOnlyTheTail(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("corpus.txt");
        String text = "first line\n".repeat(90) + "held out\n".repeat(10);
        Files.writeString(file, text);
        double fraction = 90.0 / text.length();
        List<Sample> tail = new PerplexitySource(file.toString(), "whole", 2048, fraction).load();
        assertEquals(1, tail.size());
        assertEquals("held out\n".repeat(10), ((LoglikelihoodRollingRequest) tail.get(0).requests().get(0)).document());
        List<Sample> whole = new PerplexitySource(file.toString(), "whole", 2048).load();
        assertEquals(text, ((LoglikelihoodRollingRequest) whole.get(0).requests().get(0)).document());
        assertThrows(IllegalArgumentException.class, () -> new PerplexitySource(file.toString(), "whole", 2048, 1.0));
    }

    @Test
    void theRegistryTakesTailFraction() {
        TaskRegistry registry = TaskRegistry.forProject(SharedDatasets.projectRoot());
        PerplexitySource source = (PerplexitySource) registry.create("perplexity", Map.of("tail_fraction", "0.05"))
                .source();
        assertEquals(0.05, source.tailFraction());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> registry.create("perplexity", Map.of("tail_fraction", "1.5")));
        assertTrue(bad.getMessage().contains("tail_fraction=1.5"), bad.getMessage());
    }

    @Test
    void blankLinesSplitParagraphs() {
        assertEquals(List.of("First:\nhello", "Second:\nbye"),
                DocumentSplitter.BLANK_LINES.split("First:\nhello\n\n \nSecond:\nbye\n", 0));
        assertEquals(List.of("all"), DocumentSplitter.WHOLE.split("all", 0));
    }

    private static Sample doc(String text) {
        return new Sample(text, Map.of(), List.of(new LoglikelihoodRollingRequest(text)), List.of(), -1, null, null, text);
    }
}
