package dev.plt.model.tokenizer;

import ai.djl.engine.EngineException;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.plt.model.errors.ErrorKind;
import dev.plt.model.errors.InvalidInputException;
import dev.plt.model.io.ModelDirectory;
import dev.plt.model.io.ModelFileException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * A Hugging Face {@code tokenizer.json} tokenizer (DJL's binding of the Rust {@code tokenizers} library)
 * configured for generation: nothing is added or cut behind the caller's back.
 * <ul>
 *   <li>No special tokens are added ({@code add_special_tokens=false}); a prompt that needs BOS must
 *       contain it. Special-token text written in the input (e.g. {@code "<|endoftext|>"}) still maps
 *       to its id, as in the tokenizers library.</li>
 *   <li>No truncation and no padding (DJL's defaults would truncate at 512 tokens).</li>
 *   <li>{@link #decode(int[])} keeps special tokens, so decoding is lossless and an EOS is visible;
 *       use {@link #decode(int[], boolean)} to drop them. An id with no token fails instead of
 *       vanishing from the text. A byte-level tokenizer decodes an incomplete UTF-8 sequence to U+FFFD,
 *       so a streaming caller should decode growing prefixes, not single tokens.</li>
 * </ul>
 * No tokenizer_config.json is read: only {@code tokenizer.json} defines behaviour.
 *
 * <p>Thread-safety: DJL does not document its native handle as thread-safe, so every call is
 * synchronized on this instance. Tokenization is cheap next to a model step; use one instance per
 * thread if that ever shows up in a profile.
 */
public final class PltTokenizer implements AutoCloseable {
    private final Path path;
    private final HuggingFaceTokenizer tokenizer;
    private final TokenizerVocab vocab;
    private boolean closed;

    private PltTokenizer(Path path, HuggingFaceTokenizer tokenizer, TokenizerVocab vocab) {
        this.path = path;
        this.tokenizer = tokenizer;
        this.vocab = vocab;
    }

    /**
     * Loads a {@code tokenizer.json} (or the one inside a directory), offline. The file is checked by
     * {@link ModelDirectory} against its own directory before it is opened: a {@code .json} regular
     * file, not a link out of that directory.
     *
     * @throws ModelFileException naming the file if it is missing, refused or not a valid tokenizer
     */
    public static PltTokenizer load(Path tokenizerJson) {
        Path file = Files.isDirectory(tokenizerJson) ? tokenizerJson.resolve(ModelDirectory.TOKENIZER) : tokenizerJson;
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            throw ModelFileException.of(file, "tokenizer file not found");
        }
        Path real = ModelDirectory.around(file).require(file.getFileName().toString(), ModelDirectory.JSON,
                why -> ModelFileException.of(file, why));
        TokenizerVocab vocab = TokenizerVocab.read(file, real);
        // DJL otherwise probes the network (usage ping) on first use; nothing here may go online.
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        HuggingFaceTokenizer tokenizer;
        try {
            tokenizer = HuggingFaceTokenizer.builder()
                    .optTokenizerPath(real)
                    .optAddSpecialTokens(false)
                    .optTruncation(false)
                    .optPadding(false)
                    .build();
        } catch (IOException | RuntimeException e) {
            throw loadFailure(file, e);
        }
        return new PltTokenizer(file, tokenizer, vocab);
    }

    /**
     * Why {@code file} could not be opened. DJL throws an EngineException when its native library cannot be
     * loaded here (the file was never read: the job jar may lack this platform's library), and reports a
     * malformed tokenizer as another RuntimeException with a serde message.
     */
    static ModelFileException loadFailure(Path file, Exception e) {
        if (e instanceof EngineException) {
            return ModelFileException.wrap(file, "cannot be read: the tokenizers native library for "
                    + System.getProperty("os.name") + " " + System.getProperty("os.arch") + " did not load (a job jar "
                    + "carries the platforms of its build's -Dplt.tokenizer.platforms)", e);
        }
        return ModelFileException.wrap(file, "not a valid Hugging Face tokenizer", e);
    }

    /**
     * Token ids of {@code text}, exactly as the tokenizer produces them (no BOS/EOS added).
     *
     * @throws InvalidInputException ({@code invalid_utf8}) when the text holds a lone UTF-16 surrogate
     *         (e.g. from a JSON <code>"&#92;ud800"</code> escape): it has no UTF-8 form, and the native tokenizer
     *         would silently turn it into replacement characters
     */
    public synchronized int[] encode(String text) {
        ensureOpen();
        int lone = LoneSurrogates.indexOf(text);
        if (lone >= 0) {
            throw new InvalidInputException(ErrorKind.INVALID_UTF8, String.format(
                    "text has a lone UTF-16 surrogate U+%04X at char %d: not valid Unicode, it has no UTF-8 form",
                    (int) text.charAt(lone), lone));
        }
        long[] ids = tokenizer.encode(text, false, false).getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = Math.toIntExact(ids[i]);
        }
        return out;
    }

    /** Text of {@code ids}, special tokens included. */
    public String decode(int[] ids) {
        return decode(ids, false);
    }

    /**
     * Text of {@code ids}. Every id must have a token: unlike the tokenizers library, which drops an id
     * it does not know, an unknown id fails, so that generated text never silently loses a token. A
     * model's {@code vocab_size} is often padded above the tokenizer's vocabulary (which the model
     * loader allows), and a model that then emits a padding id gets this error for that row.
     *
     * @throws InvalidInputException ({@code token_out_of_range}) naming the first id that has no token
     */
    public synchronized String decode(int[] ids, boolean skipSpecialTokens) {
        ensureOpen();
        long[] longs = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            if (!vocab.has(ids[i])) {
                throw new InvalidInputException(ErrorKind.TOKEN_OUT_OF_RANGE, "token id " + ids[i] + " at position "
                        + i + " has no token in " + path + " (" + vocab.size() + " ids); a model whose vocab_size is"
                        + " padded above its tokenizer's can produce such an id");
            }
            longs[i] = ids[i];
        }
        return tokenizer.decode(longs, skipSpecialTokens);
    }

    /** The id of a vocabulary or added token, e.g. {@code "<|endoftext|>"}. */
    public OptionalInt tokenId(String token) {
        return vocab.id(token);
    }

    /**
     * Highest token id + 1 over the model vocabulary and the added tokens: the number of embedding rows
     * a model needs (a checkpoint's {@code vocab_size} is often padded above this).
     */
    public int vocabSize() {
        return vocab.size();
    }

    /** The tokenizer.json this was loaded from. */
    public Path path() {
        return path;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("tokenizer " + path + " is closed");
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            tokenizer.close();
        }
    }
}
