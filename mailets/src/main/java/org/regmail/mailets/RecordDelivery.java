package org.regmail.mailets;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.QuotaRoot;
import org.apache.james.mailbox.quota.QuotaManager;
import org.apache.james.mailbox.quota.QuotaRootResolver;
import org.apache.james.user.api.UsersRepository;
import org.apache.mailet.Mail;
import org.apache.james.core.MailAddress;
import org.apache.mailet.base.GenericMailet;
import org.regmail.core.registration.RegistrationRefused;
import org.regmail.core.server.ServerNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recipient's server, before local delivery: opens the envelope, verifies it, queues
 * DELIVERED for each local recipient it names (DELIVERED_ALTERED when the content changed in
 * transit, REJECTED when the mailbox does not exist or is full — the quota check of James's
 * {@code IsOverQuota} matcher), remembers which stored message belongs to which registration
 * and recipient, and always removes the header so the recipient never sees that the mail was
 * registered. A mail that fails a check is delivered as ordinary mail with one WARN line.
 *
 * <p>Init parameter: {@code configuration} (default
 * {@code file://conf/registered-mail.properties}).
 *
 * <pre>{@code
 * <mailet match="org.regmail.mailets.HasRegisteredMailHeader"
 *         class="org.regmail.mailets.RecordDelivery"/>
 * <mailet match="RecipientIsLocal" class="LocalDelivery"/>
 * }</pre>
 */
public class RecordDelivery extends GenericMailet {
    private static final Logger LOG = LoggerFactory.getLogger(RecordDelivery.class);

    private final FileSystem fileSystem;
    private final UsersRepository users;
    private final QuotaRootResolver quotaRoots;
    private final QuotaManager quotas;
    private ServerNode node;

    @Inject
    public RecordDelivery(FileSystem fileSystem, UsersRepository users,
                          QuotaRootResolver quotaRoots, QuotaManager quotas) {
        this.fileSystem = fileSystem;
        this.users = users;
        this.quotaRoots = quotaRoots;
        this.quotas = quotas;
    }

    @Override
    public void init() throws MessagingException {
        node = Configuration.node(this, fileSystem);
    }

    /** The key a delivered message is remembered under until the mailbox gives it an id. */
    static String pendingKey(String user, String messageId) {
        return "pending:" + user.toLowerCase(Locale.ROOT) + "/" + messageId;
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        Optional<String> header = MailAttributes.header(mail, node);
        if (header.isEmpty()) {
            return;
        }
        List<String> existing = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        List<String> full = new ArrayList<>();
        // Limitation: James's ValidRcptHandler (on by default) refuses unknown local users at RCPT
        // time, so REJECTED is only recorded where the SMTP server lets such mail through.
        for (MailAddress recipient : mail.getRecipients()) {
            if (!getMailetContext().isLocalServer(recipient.getDomain())) {
                continue;
            }
            if (!getMailetContext().isLocalEmail(recipient)) {
                missing.add(recipient.asString());
            } else if (isFull(recipient, mail.getMessageSize())) {
                full.add(recipient.asString());
            } else {
                existing.add(recipient.asString());
            }
        }
        if (existing.isEmpty() && missing.isEmpty() && full.isEmpty()) {
            return; // only passing through: the header is for the next hop
        }
        byte[] message = MailAttributes.bytes(mail.getMessage());
        String messageId = String.valueOf(mail.getMessage().getMessageID());
        try {
            // One verification and one store transaction for the whole mail: the envelope is
            // opened and the owner's signature recovered once, whatever the mix of recipients.
            List<String> refused = new ArrayList<>(missing);
            refused.addAll(full);
            ServerNode.Delivery delivery = node.deliver(header.get(), message, existing, refused,
                recipient -> pendingKey(recipient, messageId));
            if (delivery.deferred()) {
                RegisteredMailMetrics.increment("deferred");
            }
            for (ServerNode.Delivered d : delivery.delivered()) {
                LOG.info("registered mail ({}) {} queued for recipient {}", mail.getName(),
                    d.status(), d.index());
            }
            for (ServerNode.Delivered d : delivery.rejected()) {
                LOG.info("registered mail ({}): REJECTED queued for recipient {} ({})",
                    mail.getName(), d.index(), isListed(full, d.recipient())
                        ? "mailbox full" : "no such mailbox");
            }
            if (!existing.isEmpty()) {
                RegisteredMailMetrics.increment("delivered");
            }
            MailAttributes.setHeader(mail, Optional.empty());
            MailAttributes.markHandled(mail);
        } catch (RegistrationRefused e) {
            Ordinary.goOn(mail, LOG, e.reason().name(), e.getMessage());
        } catch (Exception e) {
            Ordinary.goOn(mail, LOG, "UNAVAILABLE", e.toString());
        }
    }

    private static boolean isListed(List<String> recipients, String address) {
        return recipients.stream().anyMatch(r -> r.equalsIgnoreCase(address));
    }

    /**
     * Whether the recipient's INBOX cannot take this message within its quota, as James's
     * {@code IsOverQuota} decides. LocalDelivery would then fail and send the mail to the error
     * processor: DELIVERED would be a false record.
     */
    // Limitation: the quota is read before LocalDelivery stores the message; a mailbox that
    // fills up in between, or a store failing for another reason, leaves DELIVERED on chain for
    // a message that was not stored.
    private boolean isFull(MailAddress recipient, long size) {
        try {
            QuotaRoot root = quotaRoots.getQuotaRoot(
                MailboxPath.inbox(users.getUsername(recipient)));
            QuotaManager.Quotas inbox = quotas.getQuotas(root);
            return inbox.getMessageQuota().isOverQuotaWithAdditionalValue(1)
                || inbox.getStorageQuota().isOverQuotaWithAdditionalValue(size);
        } catch (Exception e) {
            LOG.warn("cannot read the quota of {}; counting the mailbox as not full: {}",
                recipient.asString(), e.toString());
            return false;
        }
    }

    @Override
    public String getMailetInfo() {
        return "Registered mail: recipient's server";
    }
}
