package dev.plt.jobs.output;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * {@code _plt_run.json} in a score/generate/evaluate output directory: the settings that decide the output's
 * values (the model's fingerprint, the job and every transformer param that is not merely
 * operational) and the output format, the hash of the former, which is also mixed into every row id,
 * and one record per run that wrote into the directory. A resume compares its own settings with
 * these and refuses to mix outputs of different settings. Spark and pyarrow skip files whose names
 * start with '_' when they read the directory.
 */
public record RunManifest(SortedMap<String, String> settings) {
    public static final String FILE = "_plt_run.json";

    /**
     * Params that change speed or memory, never a row's values (results are bitwise identical whatever
     * the micro-batching, thread count or partitioning): a resume may change them. The model path is
     * replaced by the model's fingerprint. The KV budget decides only which rows are refused as too
     * long; a resume keeps the rows already committed, errors included.
     */
    static final Set<String> OPERATIONAL_PARAMS = Set.of("modelPath", "batchSize", "maxBatchTokens", "sortWindow",
            "threads", "prefillChunk", "kvBudget");

    /** Checked on resume (a directory holds one format) but not hashed: it changes files, not values. */
    static final String OUTPUT_FORMAT = "output_format";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public RunManifest {
        settings = new TreeMap<>(settings);
    }

    /** The settings of a job about to run with this transformer (whose params are all set already). */
    public static RunManifest of(String job, String modelFingerprint, String outputFormat, Params transformer) {
        SortedMap<String, String> settings = new TreeMap<>();
        settings.put("job", job);
        settings.put("model_fingerprint", modelFingerprint);
        settings.put(OUTPUT_FORMAT, outputFormat);
        for (Param<?> param : transformer.params()) {
            if (!OPERATIONAL_PARAMS.contains(param.name()) && transformer.isDefined(param)) {
                settings.put("param." + param.name(), encode(transformer, param));
            }
        }
        return new RunManifest(settings);
    }

    @SuppressWarnings("unchecked")
    private static String encode(Params transformer, Param<?> param) {
        Param<Object> p = (Param<Object>) param;
        return p.jsonEncode(transformer.getOrDefault(p));
    }

    /** SHA-256 (hex) of the settings but the output format, one {@code key=value} line each in key order. */
    public String hash() {
        StringBuilder canonical = new StringBuilder();
        settings.forEach((k, v) -> {
            if (!k.equals(OUTPUT_FORMAT)) {
                canonical.append(k).append('=').append(v).append('\n');
            }
        });
        return HexFormat.of().formatHex(ModelFingerprint.sha256().digest(
                canonical.toString().getBytes(StandardCharsets.UTF_8)));
    }

    /** "key: committed -> now" for every setting that differs, in key order. */
    public List<String> differences(RunManifest committed) {
        List<String> out = new ArrayList<>();
        TreeMap<String, String> keys = new TreeMap<>(committed.settings);
        keys.putAll(settings);
        for (String key : keys.keySet()) {
            String before = committed.settings.get(key);
            String now = settings.get(key);
            if (before == null || !before.equals(now)) {
                out.add(key + ": " + (before == null ? "(unset)" : before) + " -> " + (now == null ? "(unset)" : now));
            }
        }
        return out;
    }

    /**
     * Refuses, in one line and before anything is touched, to resume into {@code dir} ({@code output} as the
     * user named it) unless its run record was written by plt {@code job} with the settings of {@code now}.
     */
    public static void requireSameSettings(OutputLocation dir, String output, RunManifest now, String job) {
        RunManifest committed = read(dir).orElseThrow(() -> new IllegalArgumentException("--resume: " + output
                + " has no " + FILE + " (it was not written by plt " + job + "); use --overwrite or another --output"));
        List<String> differences = now.differences(committed);
        if (!differences.isEmpty()) {
            throw new IllegalArgumentException("--resume: " + output + " was written with other settings ("
                    + String.join("; ", differences) + "); rerun with the same settings and model, or use --overwrite "
                    + "or another --output");
        }
    }

    /** The manifest of an output directory, if it has one. */
    public static Optional<RunManifest> read(OutputLocation dir) {
        return readRaw(dir).map(root -> {
            SortedMap<String, String> map = new TreeMap<>();
            root.path("settings").fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue().asText()));
            return new RunManifest(map);
        });
    }

    /**
     * The run record of a directory as JSON, if it has one that a plt job wrote (it names its settings);
     * empty for a missing file or one that is not a run record.
     */
    public static Optional<JsonNode> readRaw(OutputLocation dir) {
        OutputLocation file = dir.child(FILE);
        if (!file.exists()) {
            return Optional.empty();
        }
        try {
            JsonNode root = JSON.readTree(file.readBytes());
            return root != null && root.path("settings").isObject() ? Optional.of(root) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The fingerprint of the input the output was computed from, if the record has one. */
    public static Optional<InputFingerprint> input(OutputLocation dir) {
        return readRaw(dir).map(root -> root.path("input")).filter(JsonNode::isObject)
                .map(in -> new InputFingerprint(in.path("fingerprint").asText(), in.path("files").asInt(),
                        in.path("bytes").asLong()));
    }

    /**
     * Writes a new record (no runs yet, {@code complete: false} until a run finishes) into {@code dir}.
     *
     * @param input the input's fingerprint (evaluate: of the samples it asks), or null
     */
    public void write(OutputLocation dir, String inputLocation, InputFingerprint input) {
        ObjectNode root = JSON.createObjectNode();
        root.put("written_by", "plt");
        root.put("job", settings.get("job"));
        root.put("complete", false);
        root.put("settings_hash", hash());
        root.set("settings", JSON.valueToTree(settings));
        if (input != null) {
            ObjectNode in = root.putObject("input");
            in.put("location", inputLocation);
            in.put("fingerprint", input.hash());
            in.put("files", input.files());
            in.put("bytes", input.bytes());
        }
        root.putArray("runs");
        dir.child(FILE).writeAtomically(bytes(root));
    }

    /** Appends one finished run's record (rows, errors, batch plan, ...) and marks the output complete. */
    public static void recordRun(OutputLocation dir, Map<String, Object> run) {
        ObjectNode root = (ObjectNode) readRaw(dir).orElseThrow(() -> new UncheckedIOException(new IOException(
                "cannot update " + dir.child(FILE) + ": it is gone or damaged")));
        JsonNode runs = root.path("runs");
        ArrayNode list = runs.isArray() ? (ArrayNode) runs : root.putArray("runs");
        list.add(JSON.valueToTree(run));
        root.put("complete", true);
        dir.child(FILE).writeAtomically(bytes(root));
    }

    /** The run records of an output directory, oldest first. */
    public static List<JsonNode> runs(OutputLocation dir) {
        List<JsonNode> out = new ArrayList<>();
        readRaw(dir).ifPresent(root -> root.path("runs").forEach(out::add));
        return out;
    }

    /** The run records of a local output directory, oldest first. */
    public static List<JsonNode> runs(Path dir) {
        return runs(OutputLocation.local(dir));
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
