package dev.plt.model.cuda;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** A {@link Gpu} that only keeps the launches and GEMMs it is given (and hands out fake addresses). */
final class CapturingGpu implements Gpu {
    final List<KernelLaunch> launches = new ArrayList<>();
    final List<CublasGemm> gemms = new ArrayList<>();
    private long top = 0x1000;

    @Override
    public long allocate(long bytes) {
        long address = top;
        top += (Math.max(1, bytes) + 255) & ~255L;
        return address;
    }

    @Override
    public void free(long address) {
    }

    @Override
    public void upload(long dst, ByteBuffer src) {
    }

    @Override
    public void download(long src, ByteBuffer dst) {
    }

    @Override
    public void copy(long dst, long src, long bytes) {
    }

    @Override
    public void zero(long dst, long bytes) {
    }

    @Override
    public void launch(KernelLaunch launch) {
        launches.add(launch);
    }

    @Override
    public void gemm(CublasGemm gemm) {
        gemms.add(gemm);
    }

    @Override
    public void bindToCurrentThread() {
    }

    @Override
    public String description() {
        return "capturing device";
    }

    @Override
    public void close() {
    }
}
