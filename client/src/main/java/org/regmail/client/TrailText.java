package org.regmail.client;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.regmail.contracts.Status;
import org.regmail.core.evidence.RecipientProgress;
import org.regmail.core.evidence.RegistrationTrail;
import org.regmail.core.evidence.TrailEvent;

/** A registration's trail as lines for people, shared by status, watch and verify. */
public final class TrailText {
    private TrailText() {
    }

    /** One status line: "    DELIVERED          2025-…Z  block 14  tx 0x…  by 0x…". */
    public static String statusLine(TrailEvent e) {
        String name = e.status() == null ? e.event() : e.status().name();
        return "    " + name + " ".repeat(Math.max(1, 18 - name.length()))
            + Instant.ofEpochSecond(e.timestamp()) + "  block " + e.blockNumber() + "  tx "
            + e.transactionHash() + (e.account() == null ? "" : "  by " + e.account());
    }

    /**
     * A recipient's statuses in the protocol's order (the order of {@link Status}), and by
     * block and log index among equals: servers record in their own batches, so the recipient's
     * server may well get DELIVERED mined before the sender's server gets SUBMITTED mined.
     */
    public static List<TrailEvent> ordered(RecipientProgress r) {
        return r.statuses().stream()
            .sorted(Comparator.comparing(TrailEvent::status)
                .thenComparingLong(TrailEvent::blockNumber)
                .thenComparingLong(TrailEvent::logIndex))
            .toList();
    }

    /** The furthest status reached in the protocol's order, the last of {@link #ordered}. */
    public static Optional<Status> furthest(RecipientProgress r) {
        List<TrailEvent> ordered = ordered(r);
        return ordered.isEmpty() ? Optional.empty()
            : Optional.of(ordered.get(ordered.size() - 1).status());
    }

    /**
     * A recipient's state in words: "final: READ", "in progress, last recorded DELIVERED",
     * "in progress, nothing recorded yet", "overdue, last recorded HANDED_OFF (may be expired)".
     */
    public static String state(RecipientProgress r, long deadline, long chainTime) {
        Optional<Status> furthest = furthest(r);
        String last = furthest.map(s -> "last recorded " + s.name())
            .orElse("nothing recorded yet");
        if (r.isFinal(deadline, chainTime)) {
            return "final: " + furthest.map(Status::name).orElse("nothing recorded");
        }
        if (r.isExpirable(deadline, chainTime)) {
            return "overdue, " + last + " (may be expired)";
        }
        return "in progress, " + last;
    }

    /** "1 recipient", "3 recipients". */
    public static String count(long n, String noun) {
        return count(n, noun, noun + "s");
    }

    /** "1 address", "3 addresses": for nouns that do not just take an s. */
    public static String count(long n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }

    /** Each recipient and its statuses. */
    public static void printRecipients(PrintWriter out, RegistrationTrail trail,
                                       Map<Integer, String> labels) {
        long deadline = trail.facts().deadline();
        for (RecipientProgress r : trail.recipients()) {
            String label = labels.getOrDefault(r.index(), "(address withheld)");
            out.println("recipient " + r.index() + "  " + label + " — "
                + state(r, deadline, trail.readAtTime())
                + (r.hasServer() ? "" : " (its domain has no server)"));
            for (TrailEvent e : ordered(r)) {
                out.println(statusLine(e));
            }
        }
        List<TrailEvent> others = trail.events().stream()
            .filter(e -> !e.isStatus() && !TrailEvent.REGISTRATION_CREATED.equals(e.event()))
            .toList();
        for (TrailEvent e : others) {
            out.println("  " + e.describe() + " at " + Instant.ofEpochSecond(e.timestamp())
                + " block " + e.blockNumber() + " tx " + e.transactionHash()
                + (e.amount() == null ? "" : " amount " + Amounts.ether(e.amount())));
        }
    }

    /** "2026-01-01T00:00:00Z (in 6d 23h)" or "(passed 2h 3m ago)". */
    public static String deadline(long deadline, long chainTime) {
        Duration left = Duration.ofSeconds(deadline - chainTime);
        return Instant.ofEpochSecond(deadline) + (left.isNegative()
            ? " (passed " + Durations.describe(left) + " ago)"
            : " (in " + Durations.describe(left) + ")");
    }

    public static String kind(Enum<?> kind) {
        return kind.name().toLowerCase(Locale.ROOT);
    }
}
