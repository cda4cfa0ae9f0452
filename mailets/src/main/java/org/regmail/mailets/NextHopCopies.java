package org.regmail.mailets;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import javax.mail.MessagingException;
import javax.mail.internet.AddressException;

import org.apache.james.core.MailAddress;
import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.mailet.Mail;
import org.apache.mailet.MailetContext;
import org.regmail.core.registration.NextHops;
import org.regmail.core.server.RegistrationRef;
import org.regmail.core.server.ServerNode;

/**
 * Sends a registered mail on as one copy per recipient, each with the envelope sealed for its
 * next hop's server (or without the header when that hop has none). A mail with a single
 * recipient is changed in place.
 */
final class NextHopCopies {
    private NextHopCopies() {
    }

    static void send(Mail mail, ServerNode.Accepted accepted, MailetContext context,
                     String nextProcessor) throws MessagingException {
        if (accepted.isDeferred()) {
            ServerNode.DeferredSubmission deferred = accepted.deferred();
            MailAttributes.setText(mail, MailAttributes.DEFERRED_HEADER, deferred.headerValue());
            MailAttributes.setText(mail, MailAttributes.DEFERRED_CONTENT_HASH,
                org.web3j.utils.Numeric.toHexString(deferred.contentHash()));
            send(mail, null, Map.of(), accepted.hops(), context, nextProcessor);
        } else {
            send(mail, accepted.ref(), accepted.mail().recipientIndexes(), accepted.hops(), context,
                nextProcessor);
        }
    }

    static void send(Mail mail, RegistrationRef ref, Map<String, Integer> indexes,
                     List<NextHops.Hop> hops, MailetContext context, String nextProcessor)
        throws MessagingException {
        // One copy per recipient: when the next hop refuses one recipient for good, James's
        // RemoteDelivery bounces it and never runs onSuccess for the recipients it accepted
        // in the same transaction, so their HANDED_OFF would be lost.
        List<NextHops.Hop> copies = new ArrayList<>();
        for (NextHops.Hop hop : hops) {
            for (String recipient : hop.recipients()) {
                copies.add(new NextHops.Hop(hop.domain(), List.of(recipient), hop.headerValue(),
                    hop.why()));
            }
        }
        if (copies.size() == 1) {
            apply(mail, copies.get(0), ref, indexes);
            return;
        }
        for (NextHops.Hop copy : copies) {
            Mail duplicate = mail.duplicate();
            try {
                duplicate.setRecipients(addresses(copy.recipients()));
                apply(duplicate, copy, ref, indexes);
                context.sendMail(duplicate, nextProcessor);
            } finally {
                // The spool took its own copy; ours holds a reference on the message's source,
                // which James reports as a leak when it is collected undisposed.
                LifecycleUtil.dispose(duplicate);
            }
        }
        mail.setState(Mail.GHOST);
    }

    private static void apply(Mail mail, NextHops.Hop hop, RegistrationRef ref,
                              Map<String, Integer> indexes) throws MessagingException {
        MailAttributes.setHeader(mail, hop.headerValue());
        MailAttributes.markHandled(mail);
        List<Integer> hopIndexes = new ArrayList<>();
        List<String> pairs = new ArrayList<>();
        for (String recipient : hop.recipients()) {
            Integer index = indexes.get(recipient.toLowerCase(java.util.Locale.ROOT));
            if (index != null) {
                hopIndexes.add(index);
                pairs.add(recipient.toLowerCase(java.util.Locale.ROOT) + "=" + index);
            }
        }
        if (ref != null && !hopIndexes.isEmpty()) {
            MailAttributes.setText(mail, MailAttributes.REGISTRATION, new RegistrationRef(
                ref.registration(), ref.salt(), ref.owner(), hopIndexes).encode());
            MailAttributes.setText(mail, MailAttributes.RECIPIENT_INDEXES, String.join(";", pairs));
        }
    }

    private static List<MailAddress> addresses(List<String> recipients) throws MessagingException {
        List<MailAddress> addresses = new ArrayList<>();
        for (String recipient : recipients) {
            try {
                addresses.add(new MailAddress(recipient));
            } catch (AddressException e) {
                throw new MessagingException("not a mail address: " + recipient, e);
            }
        }
        return addresses;
    }

    static List<String> recipients(Mail mail) {
        return mail.getRecipients().stream().map(MailAddress::asString)
            .collect(Collectors.toList());
    }

    static String describe(List<NextHops.Hop> hops) {
        return hops.stream().map(hop -> hop.domain() + (hop.headerValue().isPresent() ? ""
            : " (ordinary: " + hop.why() + ")")).collect(Collectors.joining(", "));
    }

    static Optional<String> nonEmpty(String value) {
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
    }
}
