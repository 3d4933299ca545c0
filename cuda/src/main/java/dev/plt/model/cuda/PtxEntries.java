package dev.plt.model.cuda;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The kernel entry points of a PTX module and the types of their parameters, read from the text
 * ({@code .visible .entry name( .param .u64 name_param_0, ... )}). Lets tests check, without a GPU, that
 * the module has every kernel the Java side launches and that each launch passes the right types.
 */
final class PtxEntries {
    private static final Pattern ENTRY = Pattern.compile("\\.entry\\s+([A-Za-z_$][\\w$]*)\\s*\\(([^)]*)\\)");
    private static final Pattern PARAM = Pattern.compile("\\.param\\s+\\.(\\w+)");

    private PtxEntries() {
    }

    /** Entry name to its parameter types in order, as PTX spells them ("u64", "u32", "f32", ...). */
    static Map<String, List<String>> parse(String ptx) {
        Map<String, List<String>> entries = new LinkedHashMap<>();
        Matcher entry = ENTRY.matcher(ptx);
        while (entry.find()) {
            List<String> types = new ArrayList<>();
            Matcher param = PARAM.matcher(entry.group(2));
            while (param.find()) {
                types.add(param.group(1));
            }
            entries.put(entry.group(1), types);
        }
        return entries;
    }

    /** The PTX type a kernel argument of this kind is declared with. */
    static String ptxType(KernelArgs.Type type) {
        return switch (type) {
            case POINTER -> "u64";
            case INT -> "u32";
            case FLOAT -> "f32";
        };
    }
}
