package dev.plt.jobs.output;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * What a job read, cheaply: every data file under the input (names relative to it, sizes, modification
 * times; files Spark skips, whose names start with '_' or '.', left out), hashed. A resume compares it with
 * the fingerprint of the run that wrote the output and refuses a changed input, so an edited line can
 * never leave its stale row beside the new one, and another dataset is never merged in.
 */
public record InputFingerprint(String hash, int files, long bytes) {

    public static InputFingerprint of(String input, Configuration conf) {
        Path root = new Path(input);
        try {
            FileSystem fs = root.getFileSystem(conf);
            root = fs.makeQualified(root);
            String rootText = root.toString();
            List<String> lines = new ArrayList<>();
            long bytes = 0;
            RemoteIterator<LocatedFileStatus> files = fs.listFiles(root, true);
            while (files.hasNext()) {
                LocatedFileStatus file = files.next();
                String name = file.getPath().getName();
                if (name.startsWith("_") || name.startsWith(".")) {
                    continue;
                }
                String relative = file.getPath().toString().substring(Math.min(rootText.length(),
                        file.getPath().toString().length()));
                lines.add(relative + "\t" + file.getLen() + "\t" + file.getModificationTime());
                bytes += file.getLen();
            }
            lines.sort(null);
            MessageDigest sha = ModelFingerprint.sha256();
            for (String line : lines) {
                sha.update((line + "\n").getBytes(StandardCharsets.UTF_8));
            }
            return new InputFingerprint(HexFormat.of().formatHex(sha.digest()), lines.size(), bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("--input " + input + ": cannot list it: " + OutputErrors.describe(e), e);
        }
    }
}
