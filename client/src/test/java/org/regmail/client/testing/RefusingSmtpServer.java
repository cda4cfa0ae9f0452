package org.regmail.client.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An SMTP server that takes any login and then refuses every RCPT TO, as a submission server
 * refuses a recipient it will not relay for, or (with a size limit) announces a SIZE smaller
 * than the message; it records the commands it was sent.
 */
public final class RefusingSmtpServer implements AutoCloseable {
    /** What it answers to RCPT TO. */
    public static final String REFUSAL = "550 5.7.1 Relaying denied";

    private final ServerSocket socket;
    private final List<String> commands = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private final long sizeLimit;

    /** Refuses every recipient. */
    public RefusingSmtpServer() throws IOException {
        this(0);
    }

    /**
     * @param sizeLimit the SIZE it announces, taking every recipient; 0 for no limit and
     *     refusing every recipient
     */
    public RefusingSmtpServer(long sizeLimit) throws IOException {
        this.sizeLimit = sizeLimit;
        socket = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        thread = new Thread(this::serve, "refusing-smtp");
        thread.setDaemon(true);
        thread.start();
    }

    public int port() {
        return socket.getLocalPort();
    }

    /** Every command received, in order (AUTH lines without their credentials). */
    public List<String> commands() {
        return List.copyOf(commands);
    }

    private void serve() {
        while (!socket.isClosed()) {
            try (Socket client = socket.accept()) {
                converse(client);
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void converse(Socket client) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(),
            StandardCharsets.US_ASCII));
        PrintWriter out = new PrintWriter(client.getOutputStream(), true,
            StandardCharsets.US_ASCII);
        reply(out, "220 refusing.example ESMTP");
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            String verb = line.split(" ", 2)[0].toUpperCase(java.util.Locale.ROOT);
            commands.add(verb.equals("AUTH") ? "AUTH" : line);
            switch (verb) {
                case "EHLO" -> reply(out, "250-refusing.example\r\n"
                    + (sizeLimit > 0 ? "250-SIZE " + sizeLimit + "\r\n" : "")
                    + "250 AUTH PLAIN LOGIN");
                case "AUTH" -> reply(out, "235 2.7.0 Authentication successful");
                case "MAIL", "RSET", "NOOP" -> reply(out, "250 2.0.0 OK");
                case "RCPT" -> reply(out, sizeLimit > 0 ? "250 2.1.5 OK" : REFUSAL);
                case "QUIT" -> {
                    reply(out, "221 2.0.0 Bye");
                    return;
                }
                default -> reply(out, "502 5.5.1 Not implemented");
            }
        }
    }

    private static void reply(PrintWriter out, String text) {
        out.print(text + "\r\n");
        out.flush();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
