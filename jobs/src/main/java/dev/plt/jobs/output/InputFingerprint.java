package dev.plt.jobs.output;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;

/**
 * What a job read, cheaply: where it is, and every data file of it (name, size, modification time),
 * hashed. A resume compares it with the fingerprint of the run that wrote the output and refuses a
 * changed input, so an edited line can never leave its stale row beside the new one, and another dataset
 * is never merged in.
 */
public record InputFingerprint(String hash, int files, long bytes) {

    /**
     * @param input what the input is (its qualified URI, or {@code table:NAME})
     * @param files the input's data files
     */
    public static InputFingerprint of(String input, List<FileStatus> files) {
        List<String> lines = new ArrayList<>();
        long bytes = 0;
        for (FileStatus file : files) {
            lines.add(file.getPath() + "\t" + file.getLen() + "\t" + file.getModificationTime());
            bytes += file.getLen();
        }
        lines.sort(null);
        MessageDigest sha = ModelFingerprint.sha256();
        sha.update((input + "\n").getBytes(StandardCharsets.UTF_8));
        for (String line : lines) {
            sha.update((line + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return new InputFingerprint(HexFormat.of().formatHex(sha.digest()), lines.size(), bytes);
    }
}
