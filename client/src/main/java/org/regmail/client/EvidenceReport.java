package org.regmail.client;

import java.time.Instant;
import java.util.List;

import org.regmail.core.evidence.EvidenceBundle;
import org.regmail.core.evidence.TrailEvent;
import org.web3j.utils.Numeric;

/**
 * The evidence bundle as a self-contained HTML page for people: the same trail, recipient by
 * recipient, with every event's time, block and transaction, and how to verify it.
 */
public final class EvidenceReport {
    private EvidenceReport() {
    }

    public static String html(EvidenceBundle b, String bundleFileName) {
        StringBuilder h = new StringBuilder(8_192);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .append("<title>Registered mail ").append(b.registration()).append("</title>\n")
            .append("<style>body{font-family:sans-serif;margin:2em;max-width:70em}")
            .append("table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #bbb;")
            .append("padding:.3em .6em;text-align:left;vertical-align:top}")
            .append("code{font-size:.9em;word-break:break-all}th{background:#eee}</style>\n")
            .append("</head>\n<body>\n<h1>Evidence of a registered mail</h1>\n");
        h.append("<table>\n");
        row(h, "Chain id", Long.toString(b.chainId()));
        row(h, "Registration", code(b.registration()));
        row(h, "Owner (sender's account)", code(b.owner()));
        row(h, "Local ID", code(Numeric.toHexString(b.localId())));
        row(h, "Sender's server", code(b.senderServer()));
        row(h, "Deadline", escape(Instant.ofEpochSecond(b.deadline()).toString()));
        row(h, "Escrow deposited", escape(Amounts.ether(b.escrow())));
        row(h, "Fee cap", escape(Amounts.gwei(b.feeCap()) + " per gas"));
        row(h, "Content hash (SHA-256 of the canonical message)",
            code(Numeric.toHexString(b.contentHash())));
        row(h, "Content commitment", code(Numeric.toHexString(b.contentCommitment())));
        row(h, "Master / factory / implementation", code(b.master()) + "<br>" + code(b.factory())
            + "<br>" + code(b.implementation()));
        row(h, "Exported at block", Long.toString(b.exportedAtBlock()));
        row(h, "Original message", b.eml() == null ? "not embedded"
            : "embedded (" + b.eml().length + " bytes)");
        h.append("</table>\n<h2>Recipients</h2>\n");
        for (EvidenceBundle.Recipient r : b.recipients()) {
            h.append("<h3>Recipient ").append(r.index()).append(": ")
                .append(r.address() == null ? "address withheld" : escape(r.address()))
                .append("</h3>\n<p>Commitment ").append(code(Numeric.toHexString(r.commitment())))
                .append("; server ").append(r.server().matches("0x0{40}")
                    ? "none (the trail ends at HANDED_OFF)" : code(r.server())).append("</p>\n");
            List<TrailEvent> statuses = b.events().stream()
                .filter(e -> e.isStatus() && e.recipientIndex() != null
                    && e.recipientIndex() == r.index())
                .toList();
            events(h, statuses);
        }
        h.append("<h2>Every event</h2>\n");
        events(h, b.events());
        h.append("<h2>How to check this</h2>\n<p>Anyone can verify the bundle against any node of "
            + "chain ").append(b.chainId()).append(", without trusting the sender or the mail "
            + "servers:</p>\n<pre>regmail verify ").append(escape(bundleFileName))
            .append(" --rpc-url URL-OF-ANY-NODE</pre>\n")
            .append("<p>It recomputes the commitments from the salt, checks that the "
            + "registration is the Master's CREATE2 clone for this owner and local ID, and "
            + "compares every event above with the chain.</p>\n</body>\n</html>\n");
        return h.toString();
    }

    private static void events(StringBuilder h, List<TrailEvent> events) {
        if (events.isEmpty()) {
            h.append("<p>Nothing recorded.</p>\n");
            return;
        }
        h.append("<table>\n<tr><th>Event</th><th>Time (UTC)</th><th>Block</th>")
            .append("<th>Transaction</th><th>By</th></tr>\n");
        for (TrailEvent e : events) {
            h.append("<tr><td>").append(escape(e.describe())).append("</td><td>")
                .append(Instant.ofEpochSecond(e.timestamp())).append("</td><td>")
                .append(e.blockNumber()).append("</td><td>").append(code(e.transactionHash()))
                .append(" log ").append(e.logIndex()).append("</td><td>")
                .append(e.account() == null ? "" : code(e.account())).append("</td></tr>\n");
        }
        h.append("</table>\n");
    }

    private static void row(StringBuilder h, String name, String valueHtml) {
        h.append("<tr><th>").append(escape(name)).append("</th><td>").append(valueHtml)
            .append("</td></tr>\n");
    }

    private static String code(String text) {
        return "<code>" + escape(text) + "</code>";
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
