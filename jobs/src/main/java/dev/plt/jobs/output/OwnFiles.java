package dev.plt.jobs.output;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * The names plt jobs write into an output directory, and nothing else: the run record, Spark's part files
 * and their markers, Spark's {@code _temporary} work area (also inside a part directory, where a killed
 * job leaves it), and evaluate's report files and its response store ({@code responses/}). Hadoop's local file
 * system writes a {@code .NAME.crc} checksum beside each file, which belongs to its file.
 */
public final class OwnFiles {
    /** Directories of part files: evaluate's samples table and its response store. */
    private static final Set<String> PART_DIRECTORIES = Set.of("samples", ResponseStore.DIRECTORY);
    private static final Set<String> FILES = Set.of(RunManifest.FILE, "_SUCCESS", "metrics.json", "report.html");
    private static final Pattern PART_FILE = Pattern.compile("part-[0-9]{5}-[A-Za-z0-9._-]+");
    /** evaluate's report of one task among several (--tasks a,b): report_<task>.html. */
    private static final Pattern TASK_REPORT = Pattern.compile("report_[A-Za-z0-9._-]+\\.html");
    /** A task's own samples table inside samples/ when one run evaluates several tasks. */
    private static final Pattern TASK_DIRECTORY = Pattern.compile("[A-Za-z0-9._-]+");
    /** lm-eval's file names: results_<timestamp>.json, samples_<task>_<timestamp>.jsonl. */
    private static final Pattern LM_EVAL_FILE = Pattern.compile("(results_[A-Za-z0-9:._-]+\\.json|samples_[A-Za-z0-9:._-]+\\.jsonl)");

    private OwnFiles() {
    }

    /** Whether a top-level entry of an output directory is one plt writes. */
    static boolean isOwn(String name, boolean directory) {
        if (directory) {
            return isSparkWorkArea(name) || PART_DIRECTORIES.contains(name);
        }
        String file = checksummed(name);
        return FILES.contains(file) || PART_FILE.matcher(file).matches() || LM_EVAL_FILE.matcher(file).matches()
                || TASK_REPORT.matcher(file).matches() || isTemporaryRecord(file);
    }

    /** Whether a file is one of lm-eval's timestamped files (results_*.json, samples_*.jsonl). */
    public static boolean isLmEvalFile(String name) {
        return LM_EVAL_FILE.matcher(name).matches();
    }

    static boolean isPartDirectory(String name) {
        return PART_DIRECTORIES.contains(name);
    }

    /** Whether a part directory may hold one table per task (samples/NAME/; the response store holds one). */
    static boolean mayHoldTaskDirectories(String partDirectory) {
        return partDirectory.equals("samples");
    }

    /** Whether a directory inside a part directory may be one task's table (samples/NAME/). */
    static boolean isTaskDirectory(String name) {
        return TASK_DIRECTORY.matcher(name).matches() && !name.startsWith(".") && !name.startsWith("_");
    }

    /** Spark's work area of an unfinished write, at the top level or inside a part directory. */
    static boolean isSparkWorkArea(String name) {
        return name.equals("_temporary");
    }

    /** Whether an entry of a part directory is one Spark writes. */
    static boolean isPartFile(String name) {
        String file = checksummed(name);
        return file.equals("_SUCCESS") || PART_FILE.matcher(file).matches();
    }

    /** The run record is replaced through a temporary copy ({@link RunManifest}). */
    private static boolean isTemporaryRecord(String name) {
        return name.equals("." + RunManifest.FILE + ".tmp");
    }

    /** {@code .NAME.crc} is Hadoop's checksum of NAME. */
    private static String checksummed(String name) {
        return name.startsWith(".") && name.endsWith(".crc") ? name.substring(1, name.length() - 4) : name;
    }
}
