package dev.plt.model.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The compiled kernels packaged in the jar: a fatbin (sm_90 machine code plus compute_90 PTX, which the
 * driver can compile for newer GPUs) that is loaded, and the PTX text alone, which the tests read. Both
 * are produced by nvcc at build time (cuda/pom.xml, execution cuda-kernels); a build without nvcc has
 * neither, and the backend then says so.
 */
final class KernelImage {
    static final String DIRECTORY = "/dev/plt/model/cuda/kernels/";
    static final String FATBIN = DIRECTORY + "plt_kernels.fatbin";
    static final String PTX = DIRECTORY + "plt_kernels.ptx";
    /** A fatbin starts with 0xBA55ED50, little-endian. */
    static final int FATBIN_MAGIC = 0xBA55ED50;

    private KernelImage() {
    }

    static Optional<byte[]> fatbin() {
        return read(FATBIN);
    }

    static Optional<String> ptx() {
        return read(PTX).map(b -> new String(b, StandardCharsets.US_ASCII));
    }

    static boolean isFatbin(byte[] image) {
        return image.length >= 4 && ((image[0] & 0xFF) | (image[1] & 0xFF) << 8 | (image[2] & 0xFF) << 16
                | (image[3] & 0xFF) << 24) == FATBIN_MAGIC;
    }

    private static Optional<byte[]> read(String resource) {
        try (InputStream in = KernelImage.class.getResourceAsStream(resource)) {
            return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }
}
