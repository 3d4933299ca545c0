package dev.plt.jobs.infer;

import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.plt.model.inference.Generation;
import dev.plt.model.inference.GenerationParams;
import dev.plt.model.errors.InvalidInputException;
import dev.plt.model.inference.PltModel;
import dev.plt.model.errors.ErrorKind;
import dev.plt.model.inference.LengthLimit;
import dev.plt.model.inference.ScoredGeneration;
import dev.plt.model.rows.MicroBatcher;
import dev.plt.model.rows.RowFailurePolicy;
import dev.plt.model.tokenizer.StrictUtf8;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code plt infer}: JSONL in, JSONL out, one output line per input line, in order; lines are split at
 * {@code \n} only, and only a line that is empty or holds nothing but spaces, tabs and CRs is skipped
 * (any other byte, NUL and control characters included, makes a row). Input lines hold
 * {@code {"id", "input_ids": [...]}} or {@code {"id", "text": "..."}}, optionally
 * {@code "max_new_tokens"}. Output lines hold {@code id, input_ids, token_logprobs} (first entry
 * null), {@code output_ids} (greedy), {@code output_text}, or {@code id, line, error, error_kind} for a bad
 * line. Lines are decoded from UTF-8 one by one, so a line that is not UTF-8 fails alone
 * ({@code invalid_utf8}); a line over {@code --max-line-bytes} fails alone without being held in memory
 * ({@code too_long}), and so does one nested deeper than {@link #MAX_DEPTH} ({@code malformed_line}). A
 * line that fails before it is parsed keeps its id when the id comes before the damage. Rows run in
 * batches under the jobs' one {@link RowFailurePolicy}: if a batch fails, its rows are retried one by one
 * so only the bad row fails.
 */
public final class InferJob {
    private static final Logger LOG = LoggerFactory.getLogger(InferJob.class);
    /** Nesting an infer line may have: an object holding an id and a list of ints needs 2. */
    public static final int MAX_DEPTH = 64;
    /** Default --max-line-bytes. */
    public static final int DEFAULT_MAX_LINE_BYTES = 16 << 20;
    private static final int MAX_ERROR_CHARS = 1000;
    private static final ObjectMapper JSON = new ObjectMapper(new JsonFactoryBuilder()
            .characterEscapes(new SurrogateEscapes())
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH)
                    .maxStringLength(Integer.MAX_VALUE).build()) // long lines are bounded by --max-line-bytes
            .build());
    /** A whole line is one JSON value: '{..} {..}' or '{..}\0' is malformed, not cut to its first object. */
    private static final ObjectReader LINE = JSON.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** What happened: rows read, rows that got an error (with the first few messages), errors by kind. */
    public record Summary(int rows, int errors, List<String> firstErrors, Map<String, Long> errorsByKind) {
    }

    private final PltModel model;
    private final int batchSize;
    private final LengthLimit limit;
    private final int maxLineBytes;

    public InferJob(PltModel model, int batchSize, LengthLimit limit, int maxLineBytes) {
        checkOptions(batchSize, maxLineBytes);
        this.model = model;
        this.batchSize = batchSize;
        this.limit = limit.forModel(model.config());
        this.maxLineBytes = maxLineBytes;
    }

    /** Throws an IllegalArgumentException naming the option when --batch-size or --max-line-bytes is out of range. */
    public static void checkOptions(int batchSize, int maxLineBytes) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("--batch-size must be >= 1, got " + batchSize);
        }
        if (maxLineBytes < 1 || maxLineBytes > 1 << 30) {
            throw new IllegalArgumentException("--max-line-bytes must be between 1 and " + (1 << 30) + ", got "
                    + maxLineBytes);
        }
    }

    public Summary run(InputStream input, Writer out) throws IOException {
        Tally tally = new Tally();
        List<InferRow> batch = new ArrayList<>();
        LineReader in = new LineReader(input, maxLineBytes);
        for (LineReader.Line line; (line = in.next()) != null; ) {
            if (!blank(line)) {
                batch.add(parse(line));
            }
            if (batch.size() == batchSize) {
                write(process(batch), tally, out);
                batch.clear();
            }
        }
        write(process(batch), tally, out);
        out.flush();
        return new Summary(tally.rows, tally.errors, tally.firstErrors, tally.byKind);
    }

    private static final class Tally {
        final long start = System.nanoTime();
        int rows;
        int errors;
        final List<String> firstErrors = new ArrayList<>();
        final Map<String, Long> byKind = new TreeMap<>();
    }

    private static void write(List<ObjectNode> results, Tally tally, Writer out) throws IOException {
        if (results.isEmpty()) {
            return;
        }
        for (ObjectNode result : results) {
            tally.rows++;
            if (result.has("error")) {
                tally.errors++;
                tally.byKind.merge(result.get("error_kind").asText(), 1L, Long::sum);
                if (tally.firstErrors.size() < 5) {
                    tally.firstErrors.add("line " + result.get("line").asLong() + ": " + result.get("error").asText());
                }
            }
            out.write(JSON.writeValueAsString(result));
            out.write('\n');
        }
        LOG.info("{} rows done ({} errors), {} rows/s", tally.rows, tally.errors,
                String.format("%.1f", tally.rows / ((System.nanoTime() - tally.start) / 1e9)));
    }

    /** Empty, or only JSON whitespace (space, tab, CR): skipped. Any other byte, NUL included, makes a row. */
    private static boolean blank(LineReader.Line line) {
        if (line.tooLong()) {
            return false;
        }
        for (byte b : line.bytes()) {
            if (b != ' ' && b != '\t' && b != '\r') {
                return false;
            }
        }
        return true;
    }

    private InferRow parse(LineReader.Line line) {
        long number = line.number();
        if (line.tooLong()) {
            return InferRow.failed(number, cheapId(line.bytes()), ErrorKind.TOO_LONG, "the line is " + line.length()
                    + " bytes, over --max-line-bytes " + maxLineBytes);
        }
        String text;
        try {
            text = StrictUtf8.decode(line.bytes());
        } catch (InvalidInputException e) {
            return InferRow.failed(number, cheapId(line.bytes()), e.kind(), "the line is " + e.getMessage());
        }
        JsonNode node;
        try {
            node = LINE.readTree(text);
        } catch (JsonProcessingException e) {
            return InferRow.failed(number, cheapId(line.bytes()), ErrorKind.MALFORMED_LINE,
                    "malformed JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            return InferRow.failed(number, null, ErrorKind.MALFORMED_LINE, "expected a JSON object");
        }
        return request(number, node);
    }

    /**
     * The "id" of a line that could not be used whole, if it comes before the damage: read token by token
     * from the start, under the same nesting limit, so finding it costs no more than the bytes before it.
     */
    static JsonNode cheapId(byte[] bytes) {
        try (JsonParser parser = JSON.createParser(bytes)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                boolean id = parser.currentName().equals("id");
                parser.nextToken();
                if (id) {
                    return JSON.readTree(parser);
                }
                parser.skipChildren();
            }
        } catch (IOException e) {
            // the damage comes first: no id
        }
        return null;
    }

    private InferRow request(long line, JsonNode node) {
        JsonNode id = node.get("id");
        try {
            int maxNew = 0;
            JsonNode maxNode = node.get("max_new_tokens");
            if (maxNode != null && !maxNode.isNull()) {
                if (!maxNode.canConvertToInt() || !maxNode.isIntegralNumber() || maxNode.asInt() < 0) {
                    return InferRow.failed(line, id, ErrorKind.INVALID_INPUT,
                            "max_new_tokens must be an integer >= 0, got " + maxNode);
                }
                maxNew = maxNode.asInt();
            }
            JsonNode ids = node.get("input_ids");
            JsonNode textNode = node.get("text");
            int[] tokens;
            if (ids != null && !ids.isNull()) {
                tokens = tokenIds(ids);
            } else if (textNode != null && textNode.isTextual()) {
                tokens = model.requireTokenizer().encode(textNode.asText());
            } else if ((ids != null || textNode != null) && (textNode == null || textNode.isNull())) {
                return InferRow.failed(line, id, ErrorKind.NULL_INPUT, "\"input_ids\" or \"text\" is null");
            } else {
                return InferRow.failed(line, id, ErrorKind.INVALID_INPUT,
                        "needs \"input_ids\" (a list of ints) or \"text\" (a string)");
            }
            model.validate(tokens);
            return new InferRow(line, id, limit.fit(tokens, maxNew), maxNew, null, null);
        } catch (InvalidInputException e) {
            return InferRow.failed(line, id, e.kind(), e.getMessage());
        }
    }

    private static int[] tokenIds(JsonNode ids) {
        if (!ids.isArray()) {
            throw new InvalidInputException("input_ids must be a list of integers, got " + ids.getNodeType());
        }
        int[] tokens = new int[ids.size()];
        for (int i = 0; i < tokens.length; i++) {
            JsonNode v = ids.get(i);
            if (!v.isIntegralNumber()) {
                throw new InvalidInputException("input_ids[" + i + "] is " + v + ", not an integer");
            }
            if (!v.canConvertToInt()) {
                throw new InvalidInputException(ErrorKind.TOKEN_OUT_OF_RANGE, "input_ids[" + i + "] = " + v
                        + " is out of range");
            }
            tokens[i] = v.asInt();
        }
        return tokens;
    }

    /**
     * Runs one batch of lines under the jobs' one {@link RowFailurePolicy}: lines that failed to parse keep
     * their error, the rest run together and, if that fails, one by one, so only the bad row fails.
     */
    private List<ObjectNode> process(List<InferRow> batch) {
        Map<InferRow, ObjectNode> done = new IdentityHashMap<>();
        RowFailurePolicy.process(batch, row -> {
            if (row.error() != null) {
                throw new InvalidInputException(row.kind(), row.error());
            }
        }, row -> row.inputIds().length + row.maxNewTokens(),
                sorted -> MicroBatcher.split(sorted, row -> row.inputIds().length + row.maxNewTokens(), batchSize,
                        Long.MAX_VALUE),
                rows -> done.putAll(compute(rows)),
                (row, failure) -> done.put(row, errorNode(row, failure.kind(), failure.message())));
        List<ObjectNode> out = new ArrayList<>();
        for (InferRow row : batch) {
            out.add(done.get(row));
        }
        return out;
    }

    private Map<InferRow, ObjectNode> compute(List<InferRow> rows) {
        Map<InferRow, ObjectNode> out = new IdentityHashMap<>();
        if (rows.isEmpty()) {
            return out;
        }
        // One prefill per row gives both its token log-probs and the cache its generation starts from.
        // Rows are grouped by max_new_tokens; the engine is batch-invariant, so grouping changes no result.
        Map<Integer, List<InferRow>> byLength = new LinkedHashMap<>();
        for (InferRow row : rows) {
            byLength.computeIfAbsent(row.maxNewTokens(), k -> new ArrayList<>()).add(row);
        }
        Map<InferRow, ScoredGeneration> results = new IdentityHashMap<>();
        for (Map.Entry<Integer, List<InferRow>> group : byLength.entrySet()) {
            List<ScoredGeneration> done = model.scoreAndGenerate(
                    group.getValue().stream().map(InferRow::inputIds).toList(), GenerationParams.greedy(group.getKey()));
            for (int i = 0; i < done.size(); i++) {
                results.put(group.getValue().get(i), done.get(i));
            }
        }
        for (InferRow row : rows) {
            ObjectNode node = JSON.createObjectNode();
            node.set("id", row.id());
            ArrayNode ids = node.putArray("input_ids");
            for (int t : row.inputIds()) {
                ids.add(t);
            }
            ArrayNode logprobs = node.putArray("token_logprobs");
            double[] lp = results.get(row).scores().logprobs();
            logprobs.addNull();
            for (int t = 1; t < lp.length; t++) {
                logprobs.add(lp[t]);
            }
            Generation generation = results.get(row).generation();
            ArrayNode outputIds = node.putArray("output_ids");
            for (int t : generation.tokens()) {
                outputIds.add(t);
            }
            node.put("output_text", generation.text());
            out.put(row, node);
        }
        return out;
    }

    private static ObjectNode errorNode(InferRow row, ErrorKind kind, String error) {
        ObjectNode node = JSON.createObjectNode();
        node.set("id", row.id());
        node.put("line", row.line());
        // A message may quote the input (a bad value); a 16 MiB value is not worth repeating in full.
        node.put("error", error.length() <= MAX_ERROR_CHARS ? error : error.substring(0, MAX_ERROR_CHARS) + "...");
        node.put("error_kind", kind.code());
        return node;
    }
}
