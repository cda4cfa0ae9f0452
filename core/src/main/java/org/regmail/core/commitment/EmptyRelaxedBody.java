package org.regmail.core.commitment;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Drops the lone CRLF that jDKIM's relaxed body canonicaliser writes for an empty body. jDKIM
 * builds relaxed on top of simple, and keeps simple's rule that an empty body becomes CRLF,
 * while RFC 6376 §3.4.4 (relaxed) leaves an empty body empty. A relaxed canonical body is never
 * a lone CRLF otherwise (empty lines at the end are removed), so holding back the first two
 * bytes until a third arrives is enough, and keeps us equal to any other RFC implementation,
 * such as a browser client's.
 */
final class EmptyRelaxedBody extends FilterOutputStream {

    private final byte[] held = new byte[2];
    private int heldCount;
    private boolean passing;

    EmptyRelaxedBody(OutputStream out) {
        super(out);
    }

    @Override
    public void write(int b) throws IOException {
        if (passing) {
            out.write(b);
            return;
        }
        if (heldCount < held.length) {
            held[heldCount++] = (byte) b;
            return;
        }
        release();
        out.write(b);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        if (passing) {
            out.write(bytes, offset, length);
            return;
        }
        for (int i = 0; i < length; i++) {
            write(bytes[offset + i]);
        }
    }

    @Override
    public void close() throws IOException {
        boolean loneCrlf = !passing && heldCount == 2 && held[0] == '\r' && held[1] == '\n';
        if (!loneCrlf) {
            release();
        }
        super.close();
    }

    private void release() throws IOException {
        if (!passing) {
            out.write(held, 0, heldCount);
            passing = true;
        }
    }
}
