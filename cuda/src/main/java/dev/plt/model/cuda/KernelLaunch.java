package dev.plt.model.cuda;

/**
 * One launch of a kernel of plt_kernels.cu: its entry-point name, a grid of up to two dimensions of
 * one-dimensional blocks, the dynamic shared memory in bytes, and the arguments.
 */
public record KernelLaunch(String kernel, int gridX, int gridY, int threads, int sharedBytes, KernelArgs args) {
    public KernelLaunch {
        if (gridX < 0 || gridY < 1 || threads < 32 || threads % 32 != 0 || threads > 1024 || sharedBytes < 0) {
            throw new IllegalArgumentException("bad launch of " + kernel + ": grid " + gridX + "x" + gridY
                    + ", " + threads + " threads, " + sharedBytes + " bytes of shared memory");
        }
    }

    /** A launch with nothing to do (no rows) is skipped, not sent to the device. */
    public boolean isEmpty() {
        return gridX == 0;
    }
}
