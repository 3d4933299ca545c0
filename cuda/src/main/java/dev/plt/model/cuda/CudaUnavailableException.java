package dev.plt.model.cuda;

/**
 * {@code --backend cuda} was asked for where it cannot run. An IllegalArgumentException, like every other
 * bad option, so the command line prints its one-line message and no stack trace.
 */
public final class CudaUnavailableException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public CudaUnavailableException(String reason) {
        super("backend 'cuda' is not available here: " + reason);
    }
}
