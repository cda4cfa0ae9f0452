package org.regmail.endtoend;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain-text mail Alice writes: who it is for (To, Cc and Bcc), what it says, which way it
 * leaves the sender's server and how long its recipients have. Rendered as the 7-bit CRLF
 * message the client registers: From, To, Cc, Subject, Date and Message-ID set, no Bcc field
 * (blind copies are envelope recipients only).
 */
final class Letter {
    private final String subject;
    private final List<String> to = new ArrayList<>();
    private final List<String> cc = new ArrayList<>();
    private final List<String> bcc = new ArrayList<>();
    private String body = "Please find the signed agreement below.\r\n\r\nKind regards,\r\nAlice";
    private ServerRoles.Route route = ServerRoles.Route.DIRECT;
    private Duration timeout = MailNetwork.DEFAULT_TIMEOUT;

    private Letter(String subject) {
        this.subject = subject;
    }

    static Letter about(String subject) {
        return new Letter(subject);
    }

    Letter to(String... addresses) {
        to.addAll(List.of(addresses));
        return this;
    }

    Letter cc(String... addresses) {
        cc.addAll(List.of(addresses));
        return this;
    }

    Letter bcc(String... addresses) {
        bcc.addAll(List.of(addresses));
        return this;
    }

    /** The body, plain 7-bit text; lines separated by CRLF. */
    Letter body(String text) {
        this.body = text;
        return this;
    }

    Letter route(ServerRoles.Route route) {
        this.route = route;
        return this;
    }

    /** Time from registration to the deadline (at most 10 days). */
    Letter timeout(Duration timeout) {
        this.timeout = timeout;
        return this;
    }

    String subject() {
        return subject;
    }

    String body() {
        return body;
    }

    ServerRoles.Route route() {
        return route;
    }

    Duration timeout() {
        return timeout;
    }

    /** Every recipient in index order: To, then Cc, then Bcc. */
    List<String> envelopeRecipients() {
        List<String> all = new ArrayList<>(to);
        all.addAll(cc);
        all.addAll(bcc);
        return all;
    }

    byte[] render(String messageId) {
        List<String> lines = new ArrayList<>();
        lines.add("From: Alice <" + MailNetwork.ALICE + ">");
        lines.add("To: " + String.join(", ", to));
        if (!cc.isEmpty()) {
            lines.add("Cc: " + String.join(", ", cc));
        }
        lines.add("Subject: " + subject);
        lines.add("Date: Thu, 03 Dec 2026 10:00:00 +0000");
        lines.add("Message-ID: <" + messageId + ">");
        if (route.fieldValue != null) {
            lines.add(ServerRoles.ROUTE_FIELD + ": " + route.fieldValue);
        }
        lines.add("MIME-Version: 1.0");
        lines.add("Content-Type: text/plain; charset=us-ascii");
        lines.add("Content-Transfer-Encoding: 7bit");
        lines.add("");
        lines.add(body);
        lines.add("");
        return String.join("\r\n", lines).getBytes(StandardCharsets.US_ASCII);
    }
}
