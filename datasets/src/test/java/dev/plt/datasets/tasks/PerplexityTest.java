package dev.plt.datasets.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.plt.datasets.tasks.metrics.TaskAccumulator;
import dev.plt.datasets.tasks.metrics.TaskResult;
import dev.plt.datasets.tasks.perplexity.DocumentSplitter;
import dev.plt.datasets.tasks.scoring.PerplexityScorer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

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
    void blankLinesSplitParagraphs() {
        assertEquals(List.of("First:\nhello", "Second:\nbye"),
                DocumentSplitter.BLANK_LINES.split("First:\nhello\n\n \nSecond:\nbye\n", 0));
        assertEquals(List.of("all"), DocumentSplitter.WHOLE.split("all", 0));
    }

    private static Sample doc(String text) {
        return new Sample(text, Map.of(), List.of(new LoglikelihoodRollingRequest(text)), List.of(), -1, null, null, text);
    }
}
