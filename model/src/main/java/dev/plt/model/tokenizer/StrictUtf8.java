package dev.plt.model.tokenizer;

import dev.plt.model.errors.ErrorKind;
import dev.plt.model.errors.InvalidInputException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Decodes UTF-8 without guessing. Java's usual decoding replaces bad bytes with U+FFFD, so text from a
 * Latin-1 file or a binary column would be scored as something it is not; here such a row fails with
 * {@link ErrorKind#INVALID_UTF8} naming the first bad byte. Encoded surrogates (CESU-8) are rejected too.
 */
public final class StrictUtf8 {
    private StrictUtf8() {
    }

    /** The text of {@code bytes}, or an {@code invalid_utf8} failure naming the offset of the first bad byte. */
    public static String decode(byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isUnderflow()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            throw new InvalidInputException(ErrorKind.INVALID_UTF8, "not valid UTF-8: bad byte 0x"
                    + String.format("%02x", bytes[in.position()] & 0xFF) + " at byte " + in.position() + " of "
                    + bytes.length);
        }
        return out.flip().toString();
    }
}
