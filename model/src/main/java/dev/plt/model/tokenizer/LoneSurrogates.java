package dev.plt.model.tokenizer;

/**
 * Finds UTF-16 surrogates that are not part of a pair. Java strings can hold them (JSON's
 * <code>"&#92;ud800"</code> escape makes one), but they encode no Unicode character and have no UTF-8 form.
 */
public final class LoneSurrogates {
    private LoneSurrogates() {
    }

    /** Index of the first lone surrogate in {@code text}, or -1. */
    public static int indexOf(CharSequence text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                } else {
                    return i;
                }
            } else if (Character.isLowSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }
}
