package dev.plt.datasets.readers;

/** Thrown in fail-fast mode when an input has a malformed line; names the first one. */
public final class MalformedInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final MalformedRecord record;

    public MalformedInputException(MalformedRecord record) {
        super("malformed input at " + record.describe());
        this.record = record;
    }

    public MalformedRecord record() {
        return record;
    }
}
