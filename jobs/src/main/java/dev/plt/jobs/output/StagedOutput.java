package dev.plt.jobs.output;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a job writes, given its {@link OutputGuard.Plan}, and how the result takes its place. A new output
 * is written in place (its run record says {@code complete: false} until the run finishes, so a killed
 * run can be resumed); a resumed one is completed in place; a replacement ({@code --overwrite}) is written
 * beside it in {@code .NAME.plt-staging} and
 * swapped in by renames when the job has finished: the old output is renamed to {@code .NAME.plt-replaced},
 * the new one to NAME, and only then is the old one deleted, entry by entry ({@link OutputGuard}). A job
 * that fails leaves the old output as it was; a new output that failed is kept when it holds committed rows
 * or answers (evaluate's {@link ResponseStore}), for {@code --resume}.
 */
public final class StagedOutput {
    private static final Logger LOG = LoggerFactory.getLogger(StagedOutput.class);
    static final String STAGING = ".plt-staging";
    static final String REPLACED = ".plt-replaced";

    private final OutputLocation out;
    private final OutputLocation target;
    private final boolean staged;
    private final boolean existedBefore;

    private StagedOutput(OutputLocation out, OutputLocation target, boolean staged, boolean existedBefore) {
        this.out = out;
        this.target = target;
        this.staged = staged;
        this.existedBefore = existedBefore;
    }

    /**
     * Prepares the place to write. Call with the output's lock held: a staging directory left by a killed
     * run is removed here (only if it holds nothing but plt's own files).
     */
    public static StagedOutput begin(OutputLocation out, OutputGuard.Plan plan) {
        boolean existed = out.exists();
        if (plan == OutputGuard.Plan.RESUME || plan == OutputGuard.Plan.NEW) {
            return new StagedOutput(out, out, false, existed);
        }
        OutputLocation staging = out.sibling(STAGING);
        removeLeftover(staging);
        removeLeftover(out.sibling(REPLACED));
        return new StagedOutput(out, staging, true, existed);
    }

    /** The directory the job writes into. */
    public OutputLocation target() {
        return target;
    }

    /** Puts the finished output in place. */
    public void commit() {
        if (!staged) {
            return;
        }
        if (!out.exists()) {
            target.renameTo(out);
            return;
        }
        if (out.list().isEmpty()) {
            out.deleteEntry(out.path(), false); // an empty directory the user made for the output
            target.renameTo(out);
            return;
        }
        OutputGuard.checkOwn(out); // again: nothing foreign may have arrived while the job ran
        OutputLocation replaced = out.sibling(REPLACED);
        out.renameTo(replaced);
        try {
            target.renameTo(out);
        } catch (RuntimeException e) {
            replaced.renameTo(out); // put the old output back
            throw e;
        }
        OutputGuard.deleteOwnOutput(replaced);
    }

    /**
     * After a failure: a staging directory goes; a new output that got no rows at all goes too (nothing to
     * resume); anything else stays as it was.
     */
    public void abandon() {
        try {
            if (staged) {
                removeLeftover(target);
            } else if (!existedBefore && target.exists() && new CommittedOutput(target, "parquet").partFiles().isEmpty()
                    && !hasStoredResponses()) {
                OutputGuard.deleteOwnOutput(target);
            }
        } catch (RuntimeException e) {
            LOG.warn("Could not clean up {} after the failure: {}", target.path(), e.getMessage());
        }
    }

    /** Whether evaluate's response store holds committed answers (something to resume). */
    private boolean hasStoredResponses() {
        OutputLocation store = target.child(ResponseStore.DIRECTORY);
        return store.exists() && !new CommittedOutput(store, "parquet").partFiles().isEmpty();
    }

    /** Deletes a staging or replaced directory of an earlier run: only plt's own files, else refuses. */
    private static void removeLeftover(OutputLocation dir) {
        if (!dir.exists()) {
            return;
        }
        if (!dir.list().isEmpty()) {
            OutputGuard.checkOwn(dir);
        }
        OutputGuard.deleteOwnOutput(dir);
    }
}
