package org.regmail.benchmarks.mailflow;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.commons.net.smtp.AuthenticatingSMTPClient;
import org.apache.commons.net.smtp.SMTPReply;

/**
 * Submits messages over SMTP from several client threads, each on one authenticated session
 * (one mail transaction after another, as a busy submission client or an MTA does), and notes
 * per message when the server answered 250 to the data and how long that answer took after
 * the final dot.
 */
final class SmtpLoad {
    private SmtpLoad() {
    }

    /** Per message (same order as given): when 250 came, and milliseconds from dot to 250. */
    record Submission(long[] acceptedAt, double[] acceptMillis, long startedAt, long endedAt) {
    }

    static Submission submit(int port, String user, String password,
                             List<PreRegistration.BenchMessage> messages, int threads)
        throws Exception {
        return submit(port, user, password, messages, threads, new AtomicInteger());
    }

    /** As above, and counts each 250 in {@code accepted} as it comes (for a sampler). */
    static Submission submit(int port, String user, String password,
                             List<PreRegistration.BenchMessage> messages, int threads,
                             AtomicInteger accepted) throws Exception {
        int n = messages.size();
        long[] acceptedAt = new long[n];
        double[] acceptMillis = new double[n];
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long start = System.nanoTime();
        try {
            List<Future<Void>> clients = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                clients.add(pool.submit(() -> {
                    session(port, user, password, messages, next, acceptedAt, acceptMillis,
                        accepted);
                    return null;
                }));
            }
            for (Future<Void> client : clients) {
                client.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return new Submission(acceptedAt, acceptMillis, start, System.nanoTime());
    }

    private static void session(int port, String user, String password,
                                List<PreRegistration.BenchMessage> messages, AtomicInteger next,
                                long[] acceptedAt, double[] acceptMillis, AtomicInteger accepted)
        throws IOException {
        AuthenticatingSMTPClient smtp = new AuthenticatingSMTPClient();
        smtp.connect("127.0.0.1", port);
        try {
            expect(smtp, smtp.ehlo("bench.client"), "EHLO");
            try {
                if (!smtp.auth(AuthenticatingSMTPClient.AUTH_METHOD.PLAIN, user, password)) {
                    throw new IOException("AUTH refused: " + smtp.getReplyString());
                }
            } catch (GeneralSecurityException e) {
                throw new IOException(e);
            }
            for (int i = next.getAndIncrement(); i < messages.size(); i = next.getAndIncrement()) {
                PreRegistration.BenchMessage message = messages.get(i);
                expect(smtp, smtp.mail("<" + PreRegistration.FROM + ">"), "MAIL FROM");
                expect(smtp, smtp.rcpt("<" + PreRegistration.TO + ">"), "RCPT TO");
                Writer data = smtp.sendMessageData();
                if (data == null) {
                    throw new IOException("DATA refused: " + smtp.getReplyString());
                }
                data.write(new String(message.bytes(), StandardCharsets.US_ASCII));
                data.flush();
                long dot = System.nanoTime();
                data.close();
                if (!smtp.completePendingCommand()) {
                    throw new IOException("message " + message.messageId() + " refused: "
                        + smtp.getReplyString());
                }
                long acceptedNow = System.nanoTime();
                acceptedAt[i] = acceptedNow;
                acceptMillis[i] = (acceptedNow - dot) / 1e6;
                accepted.incrementAndGet();
            }
            smtp.logout();
        } finally {
            smtp.disconnect();
        }
    }

    private static void expect(AuthenticatingSMTPClient smtp, int reply, String step)
        throws IOException {
        if (!SMTPReply.isPositiveCompletion(reply)) {
            throw new IOException(step + " refused: " + smtp.getReplyString());
        }
    }
}
