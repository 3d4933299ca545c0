package dev.plt.datasets.tasks.perplexity;

import dev.plt.datasets.tasks.LoglikelihoodRollingRequest;
import dev.plt.datasets.tasks.Sample;
import dev.plt.datasets.tasks.SampleSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Perplexity over a UTF-8 text file: one {@code loglikelihood_rolling} request per document, cut by
 * a {@link DocumentSplitter}.
 *
 * @param documents    {@code whole}, {@code blank_lines} or {@code chunks}
 * @param chunkChars   the chunk size for {@code chunks}
 * @param tailFraction 0 to score the whole file; else only its last {@code tailFraction} of the bytes
 *                     ({@link HeldOutTail}), the part a model trained with that validation fraction never saw
 */
public record PerplexitySource(String path, String documents, int chunkChars, double tailFraction)
        implements SampleSource {

    public PerplexitySource {
        DocumentSplitter.of(documents); // reject a bad value when the task is built
        HeldOutTail.check(tailFraction);
    }

    /** The whole file. */
    public PerplexitySource(String path, String documents, int chunkChars) {
        this(path, documents, chunkChars, 0.0);
    }

    @Override
    public List<Sample> load() {
        String text;
        try {
            text = HeldOutTail.of(Files.readAllBytes(Path.of(path)), tailFraction);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read perplexity corpus " + path, e);
        }
        String name = Path.of(path).getFileName().toString();
        List<String> docs = DocumentSplitter.of(documents).split(text, chunkChars);
        List<Sample> samples = new ArrayList<>(docs.size());
        for (int i = 0; i < docs.size(); i++) {
            String doc = docs.get(i);
            samples.add(new Sample(name + "/" + i, Map.of("chars", Integer.toString(doc.length())),
                    List.of(new LoglikelihoodRollingRequest(doc)), List.of(), -1, null, null,
                    Sample.shorten(doc, 80)));
        }
        return samples;
    }
}
