package org.regmail.core.commitment;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Turns every bare LF into CRLF on its way out. DKIM canonicalisation is defined on CRLF lines,
 * while a message read from a Unix mailbox or handed over by a local MTA often has bare LFs.
 */
final class CrlfLineEndings extends FilterOutputStream {

    private boolean lastWasCr;

    CrlfLineEndings(OutputStream out) {
        super(out);
    }

    @Override
    public void write(int b) throws IOException {
        if (b == '\n' && !lastWasCr) {
            out.write('\r');
        }
        out.write(b);
        lastWasCr = b == '\r';
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        int start = offset;
        int end = offset + length;
        for (int i = offset; i < end; i++) {
            boolean bareLf = bytes[i] == '\n' && !(i == offset ? lastWasCr : bytes[i - 1] == '\r');
            if (bareLf) {
                out.write(bytes, start, i - start);
                out.write('\r');
                start = i;
            }
        }
        out.write(bytes, start, end - start);
        if (length > 0) {
            lastWasCr = bytes[end - 1] == '\r';
        }
    }
}
