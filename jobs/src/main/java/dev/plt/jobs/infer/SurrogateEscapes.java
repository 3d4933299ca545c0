package dev.plt.jobs.infer;

import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;

/**
 * JSON output escapes for text that came from the input: UTF-16 surrogates are written as
 * {@code \}{@code uXXXX} escapes. A lone surrogate (an input's JSON escape, echoed in an id or an error
 * message) has no UTF-8 form and would make the output writer throw; escaped, it round-trips exactly.
 * Everything else is written as usual (non-ASCII text stays readable).
 */
final class SurrogateEscapes extends CharacterEscapes {
    private static final long serialVersionUID = 1L;

    private final int[] ascii = standardAsciiEscapesForJSON();

    @Override
    public int[] getEscapeCodesForAscii() {
        return ascii;
    }

    @Override
    public SerializableString getEscapeSequence(int ch) {
        return Character.isSurrogate((char) ch) ? new SerializedString(String.format("\\u%04x", ch)) : null;
    }
}
