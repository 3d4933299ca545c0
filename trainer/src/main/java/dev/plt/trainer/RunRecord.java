package dev.plt.trainer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * The machine-readable record of a run, in its output directory beside the checkpoint:
 * {@code curve.jsonl} (one JSON object per periodic evaluation, appended as the run goes, so a run still in
 * progress has its curve so far) and {@code train_result.json} (written once at the end).
 */
final class RunRecord {
    static final String CURVE = "curve.jsonl";
    static final String RESULT = "train_result.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;

    /** Starts a fresh curve in {@code dir} (an earlier run's curve there is replaced). */
    RunRecord(Path dir) {
        this.dir = dir;
        try {
            Files.createDirectories(dir);
            Files.deleteIfExists(dir.resolve(CURVE));
            Files.deleteIfExists(dir.resolve(RESULT));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the run's output " + dir, e);
        }
    }

    void appendCurvePoint(Map<String, Object> point) {
        try {
            Files.writeString(dir.resolve(CURVE), JSON.writeValueAsString(point) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve(CURVE), e);
        }
    }

    void writeResult(Map<String, Object> result) {
        try {
            Files.writeString(dir.resolve(RESULT),
                    JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(result) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve(RESULT), e);
        }
    }
}
