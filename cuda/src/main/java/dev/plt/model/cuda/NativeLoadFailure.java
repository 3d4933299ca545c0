package dev.plt.model.cuda;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns what loading the JavaCPP CUDA bindings threw into one line a user can act on. JavaCPP reports
 * "no jnicudart in java.library.path" and keeps the loader's real complaint ("libcuda.so.1: cannot open
 * shared object file") in the cause chain, so the whole chain is read.
 */
final class NativeLoadFailure {
    private static final Pattern MISSING_LIBRARY =
            Pattern.compile("([\\w.+-]+\\.so(?:\\.[\\d.]+)?): cannot open shared object file");
    private static final Pattern UNDEFINED_SYMBOL = Pattern.compile("undefined symbol: (\\S+)");

    private NativeLoadFailure() {
    }

    static String describe(Throwable thrown) {
        StringBuilder chain = new StringBuilder();
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            chain.append(t.getClass().getName()).append(": ").append(t.getMessage()).append('\n');
            if (t.getCause() == t) {
                break;
            }
        }
        String all = chain.toString();
        Matcher missing = MISSING_LIBRARY.matcher(all);
        if (missing.find()) {
            return missingLibrary(missing.group(1));
        }
        Matcher symbol = UNDEFINED_SYMBOL.matcher(all);
        if (symbol.find()) {
            return "the CUDA libraries found do not match the bindings (CUDA 13 expected): undefined symbol "
                    + symbol.group(1);
        }
        if (all.contains("org/bytedeco") || all.contains("org.bytedeco")) {
            return "the JavaCPP CUDA bindings (org.bytedeco:cuda with its linux-x86_64 jar) are not on the classpath";
        }
        Throwable root = thrown;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = String.valueOf(root.getMessage()).lines().findFirst().orElse("");
        return "cannot load the CUDA bindings: " + root.getClass().getSimpleName() + ": " + message;
    }

    static String missingLibrary(String library) {
        if (library.startsWith("libcuda.so")) {
            return "no CUDA driver (" + library + " not found)";
        }
        if (library.startsWith("libcudart")) {
            return "no CUDA 13 runtime (" + library + " not found; add CUDA 13's lib directory to LD_LIBRARY_PATH)";
        }
        if (library.startsWith("libcublas")) {
            return "no cuBLAS 13 (" + library + " not found; add CUDA 13's lib directory to LD_LIBRARY_PATH)";
        }
        return "a CUDA library is missing (" + library + " not found)";
    }
}
