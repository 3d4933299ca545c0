package dev.plt.jobs.infer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.plt.model.inference.Generation;
import dev.plt.model.inference.GenerationParams;
import dev.plt.model.inference.InvalidInputException;
import dev.plt.model.inference.PltModel;
import dev.plt.datasets.readers.ByteLines;
import dev.plt.model.inference.ErrorKind;
import dev.plt.model.inference.LengthLimit;
import dev.plt.model.inference.ScoredGeneration;
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
 * {@code plt infer}: JSONL in, JSONL out, one output line per input line, in order. Input lines hold
 * {@code {"id", "input_ids": [...]}} or {@code {"id", "text": "..."}}, optionally
 * {@code "max_new_tokens"}. Output lines hold {@code id, input_ids, token_logprobs} (first entry
 * null), {@code output_ids} (greedy), {@code output_text}, or {@code id, error, error_kind} for a bad
 * line. Lines are decoded from UTF-8 one by one, so a line that is not UTF-8 fails alone
 * ({@code invalid_utf8}). Rows run in batches; if a batch fails, its rows are retried one by one so
 * only the bad row fails.
 */
public final class InferJob {
    private static final Logger LOG = LoggerFactory.getLogger(InferJob.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    static {
        JSON.getFactory().setCharacterEscapes(new SurrogateEscapes());
    }

    /** What happened: rows read, rows that got an error (with the first few messages), errors by kind. */
    public record Summary(int rows, int errors, List<String> firstErrors, Map<String, Long> errorsByKind) {
    }

    private final PltModel model;
    private final int batchSize;
    private final LengthLimit limit;

    public InferJob(PltModel model, int batchSize, LengthLimit limit) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("--batch-size must be >= 1, got " + batchSize);
        }
        this.model = model;
        this.batchSize = batchSize;
        this.limit = limit.forModel(model.config());
    }

    public Summary run(InputStream input, Writer out) throws IOException {
        int rows = 0;
        int errors = 0;
        List<String> firstErrors = new ArrayList<>();
        Map<String, Long> byKind = new TreeMap<>();
        List<InferRow> batch = new ArrayList<>();
        ByteLines in = new ByteLines(input);
        byte[] bytes;
        long start = System.nanoTime();
        while (true) {
            bytes = in.next();
            if (bytes != null) {
                int line = Math.toIntExact(in.number());
                String text;
                try {
                    text = StrictUtf8.decode(bytes);
                } catch (InvalidInputException e) {
                    batch.add(InferRow.failed(line, null, e.kind(), "the line is " + e.getMessage()));
                    text = null;
                }
                if (text != null && !text.isBlank()) {
                    batch.add(parse(line, text));
                }
            }
            if (batch.size() == batchSize || (bytes == null && !batch.isEmpty())) {
                for (ObjectNode result : process(batch)) {
                    rows++;
                    if (result.has("error")) {
                        errors++;
                        byKind.merge(result.get("error_kind").asText(), 1L, Long::sum);
                        if (firstErrors.size() < 5) {
                            firstErrors.add("line " + result.get("line").asInt() + ": " + result.get("error").asText());
                        }
                    }
                    result.remove("line");
                    out.write(JSON.writeValueAsString(result));
                    out.write('\n');
                }
                batch.clear();
                LOG.info("{} rows done ({} errors), {} rows/s", rows, errors,
                        String.format("%.1f", rows / ((System.nanoTime() - start) / 1e9)));
            }
            if (bytes == null) {
                break;
            }
        }
        out.flush();
        return new Summary(rows, errors, firstErrors, byKind);
    }

    private InferRow parse(int line, String text) {
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            return InferRow.failed(line, null, ErrorKind.MALFORMED_LINE, "malformed JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            return InferRow.failed(line, null, ErrorKind.MALFORMED_LINE, "expected a JSON object");
        }
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

    private List<ObjectNode> process(List<InferRow> batch) {
        List<InferRow> runnable = batch.stream().filter(r -> r.error() == null).toList();
        Map<InferRow, ObjectNode> done = new IdentityHashMap<>();
        try {
            done.putAll(compute(runnable));
        } catch (RuntimeException batchFailure) {
            LOG.warn("a batch of {} rows failed ({}); retrying its rows one by one", runnable.size(),
                    batchFailure.toString());
            for (InferRow row : runnable) {
                try {
                    done.putAll(compute(List.of(row)));
                } catch (RuntimeException e) {
                    String message = e instanceof InvalidInputException ? e.getMessage()
                            : e.getClass().getSimpleName() + ": " + e.getMessage();
                    done.put(row, errorNode(row, ErrorKind.of(e), message));
                }
            }
        }
        List<ObjectNode> out = new ArrayList<>();
        for (InferRow row : batch) {
            out.add(row.error() != null ? errorNode(row, row.kind(), row.error()) : done.get(row));
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
            node.put("line", row.line());
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
        node.put("line", row.line());
        node.set("id", row.id());
        node.put("error", error);
        node.put("error_kind", kind.code());
        return node;
    }
}
