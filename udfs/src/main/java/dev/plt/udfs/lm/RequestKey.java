package dev.plt.udfs.lm;

import dev.plt.datasets.tasks.GenerateUntilRequest;
import dev.plt.datasets.tasks.LoglikelihoodRequest;
import dev.plt.datasets.tasks.LoglikelihoodRollingRequest;
import dev.plt.datasets.tasks.Request;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A request's identity for a response cache (lm-eval's CachingLM hashes the request the same way): SHA-256
 * of its type and every field, each length-prefixed so that no two requests share a key.
 */
public final class RequestKey {
    private RequestKey() {
    }

    public static String of(Request request) {
        List<String> fields = new ArrayList<>();
        fields.add(request.type().name());
        if (request instanceof LoglikelihoodRequest r) {
            fields.add(r.context());
            fields.add(r.continuation());
        } else if (request instanceof LoglikelihoodRollingRequest r) {
            fields.add(r.document());
        } else if (request instanceof GenerateUntilRequest r) {
            fields.add(r.context());
            fields.add(Integer.toString(r.maxGenTokens()));
            fields.addAll(r.until());
        }
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        for (String field : fields) {
            byte[] bytes = field.getBytes(StandardCharsets.UTF_8);
            sha.update((bytes.length + ":").getBytes(StandardCharsets.US_ASCII));
            sha.update(bytes);
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
