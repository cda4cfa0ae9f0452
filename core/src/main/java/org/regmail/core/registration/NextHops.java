package org.regmail.core.registration;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.regmail.core.chain.ChainException;
import org.regmail.core.envelope.EnvelopeException;
import org.regmail.core.envelope.RegisteredMailHeader;
import org.regmail.core.envelope.RegistrationEnvelope;

/**
 * Splits a verified mail's recipients by the server each of them is delivered to next, and
 * seals the envelope for that server narrowed to its recipients — so each server learns only
 * its own recipients' indexes.
 */
public final class NextHops {
    private final ServerDirectory directory;

    public NextHops(ServerDirectory directory) {
        this.directory = directory;
    }

    /**
     * One copy of the mail for the next hop.
     *
     * @param domain the recipients' domain (or the relay's, when all go through one)
     * @param recipients the mail's recipients on this copy
     * @param headerValue the envelope sealed for the next server, or empty when it has no
     *     registered server (the copy travels as ordinary mail and the trail ends at HANDED_OFF)
     * @param why when there is no header, the reason, for the log
     */
    public record Hop(String domain, List<String> recipients, Optional<String> headerValue,
                      String why) {
    }

    /**
     * Plans direct delivery: one copy per recipient domain. A domain gets a header only when
     * its directory server is approved and is the server the registration expects for those
     * recipients.
     */
    public List<Hop> byRecipientDomain(VerifiedMail mail, List<String> recipients)
        throws ChainException, EnvelopeException {
        Map<String, List<String>> byDomain = new LinkedHashMap<>();
        for (String recipient : recipients) {
            byDomain.computeIfAbsent(domainOf(recipient), d -> new ArrayList<>()).add(recipient);
        }
        List<Hop> hops = new ArrayList<>();
        for (Map.Entry<String, List<String>> group : byDomain.entrySet()) {
            hops.add(plan(mail, group.getKey(), group.getValue()));
        }
        return hops;
    }

    /**
     * Plans delivery through a relay that speaks the protocol: one copy for every recipient,
     * sealed for the relay with every registered index of them. The caller authorises the relay
     * on chain.
     */
    public Hop throughRelay(VerifiedMail mail, String relayDomain, List<String> recipients)
        throws ChainException, EnvelopeException {
        Optional<ServerDirectory.Entry> relay = directory.approvedServerFor(relayDomain);
        List<Integer> indexes = indexesOf(mail, recipients);
        if (relay.isEmpty() || indexes.isEmpty()) {
            return new Hop(relayDomain, recipients, Optional.empty(),
                relay.isEmpty() ? "relay " + relayDomain + " has no approved directory entry"
                    : "no registered recipient on this copy");
        }
        String header = RegisteredMailHeader.seal(mail.envelope().forRecipients(indexes),
            relay.get().publicKey());
        return new Hop(relayDomain, recipients, Optional.of(header), "");
    }

    private Hop plan(VerifiedMail mail, String domain, List<String> recipients)
        throws ChainException, EnvelopeException {
        List<Integer> indexes = indexesOf(mail, recipients);
        if (indexes.isEmpty()) {
            return new Hop(domain, recipients, Optional.empty(), "no registered recipient");
        }
        Optional<ServerDirectory.Entry> server = directory.approvedServerFor(domain);
        if (server.isEmpty()) {
            return new Hop(domain, recipients, Optional.empty(),
                domain + " has no approved registered-mail server");
        }
        List<Integer> expected = new ArrayList<>();
        for (int index : indexes) {
            if (server.get().server().equalsIgnoreCase(mail.info().recipientServers().get(index))) {
                expected.add(index);
            }
        }
        if (expected.isEmpty()) {
            return new Hop(domain, recipients, Optional.empty(), "the registration expects "
                + "another server for " + domain + " than the directory's "
                + server.get().server());
        }
        String header = RegisteredMailHeader.seal(mail.envelope().forRecipients(expected),
            server.get().publicKey());
        return new Hop(domain, recipients, Optional.of(header), "");
    }

    /**
     * Plans direct delivery while the chain cannot be asked: the envelope is sealed, with all
     * its indexes, for each recipient domain whose directory entry this server still knows
     * (the next server matches its own recipients when it checks the mail); a domain it does
     * not know gets no header.
     */
    public List<Hop> offline(RegistrationEnvelope envelope, List<String> recipients) {
        Map<String, List<String>> byDomain = new LinkedHashMap<>();
        for (String recipient : recipients) {
            byDomain.computeIfAbsent(domainOf(recipient), d -> new ArrayList<>()).add(recipient);
        }
        List<Hop> hops = new ArrayList<>();
        for (Map.Entry<String, List<String>> group : byDomain.entrySet()) {
            Optional<ServerDirectory.Entry> server;
            try {
                // Limitation: only a domain looked up before the outage has a key here; the
                // others go on as ordinary mail (their recipients' servers cannot record).
                server = directory.approvedServerFor(group.getKey());
            } catch (ChainException e) {
                server = Optional.empty();
            }
            Optional<String> header = Optional.empty();
            if (server.isPresent()) {
                try {
                    header = Optional.of(
                        RegisteredMailHeader.seal(envelope, server.get().publicKey()));
                } catch (EnvelopeException e) {
                    header = Optional.empty();
                }
            }
            hops.add(new Hop(group.getKey(), group.getValue(), header, header.isPresent() ? ""
                : "the chain is unreachable and " + group.getKey() + "'s server is not known yet"));
        }
        return hops;
    }

    private static List<Integer> indexesOf(VerifiedMail mail, List<String> recipients) {
        List<Integer> indexes = new ArrayList<>();
        for (String recipient : recipients) {
            Integer index = mail.recipientIndexes().get(recipient.strip().toLowerCase(Locale.ROOT));
            if (index != null && !indexes.contains(index)) {
                indexes.add(index);
            }
        }
        return indexes;
    }

    /** The domain part of an address, lower case. */
    public static String domainOf(String address) {
        int at = address.lastIndexOf('@');
        return (at < 0 ? "" : address.substring(at + 1)).strip().toLowerCase(Locale.ROOT);
    }
}
