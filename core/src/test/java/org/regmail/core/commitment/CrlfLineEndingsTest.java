package org.regmail.core.commitment;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class CrlfLineEndingsTest {

    private static final String MIXED = "a\nb\r\nc\rd\n\n\r\ne";
    private static final String EXPECTED = "a\r\nb\r\nc\rd\r\n\r\n\r\ne";

    @Test
    void shouldTurnBareLfIntoCrlfAndLeaveCrlfAlone() throws IOException {
        assertThat(written(MIXED, MIXED.length())).isEqualTo(EXPECTED);
    }

    @Test
    void shouldGiveTheSameOutputWhateverTheWriteSizes() throws IOException {
        for (int piece = 1; piece <= MIXED.length(); piece++) {
            assertThat(written(MIXED, piece)).as("pieces of %d", piece).isEqualTo(EXPECTED);
        }
    }

    @Test
    void shouldNotAddACrWhenCrAndLfArriveInSeparateWrites() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CrlfLineEndings crlf = new CrlfLineEndings(out)) {
            crlf.write('x');
            crlf.write('\r');
            crlf.write(new byte[] {'\n', 'y', '\n'});
        }

        assertThat(out.toString(US_ASCII)).isEqualTo("x\r\ny\r\n");
    }

    private static String written(String text, int piece) throws IOException {
        byte[] bytes = text.getBytes(US_ASCII);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CrlfLineEndings crlf = new CrlfLineEndings(out)) {
            for (int i = 0; i < bytes.length; i += piece) {
                crlf.write(bytes, i, Math.min(piece, bytes.length - i));
            }
        }
        return out.toString(US_ASCII);
    }
}
