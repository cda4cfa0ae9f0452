package org.regmail.mailets;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.filesystem.api.FileSystem;
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
 * transit, REJECTED when the mailbox does not exist), remembers which stored message belongs to
 * which registration and recipient, and always removes the header so the recipient never sees
 * that the mail was registered. A mail that fails a check is delivered as ordinary mail with
 * one WARN line.
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
    private ServerNode node;

    @Inject
    public RecordDelivery(FileSystem fileSystem) {
        this.fileSystem = fileSystem;
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
        Optional<String> header = MailAttributes.header(mail);
        if (header.isEmpty()) {
            return;
        }
        List<String> existing = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        // Limitation: James's ValidRcptHandler (on by default) refuses unknown local users at RCPT
        // time, so REJECTED is only recorded where the SMTP server lets such mail through.
        for (MailAddress recipient : mail.getRecipients()) {
            if (!getMailetContext().isLocalServer(recipient.getDomain())) {
                continue;
            }
            (getMailetContext().isLocalEmail(recipient) ? existing : missing).add(recipient.asString());
        }
        if (existing.isEmpty() && missing.isEmpty()) {
            return; // only passing through: the header is for the next hop
        }
        byte[] message = MailAttributes.bytes(mail.getMessage());
        String messageId = String.valueOf(mail.getMessage().getMessageID());
        try {
            if (!existing.isEmpty()) {
                ServerNode.Delivery delivery = node.deliver(header.get(), message, existing,
                    recipient -> pendingKey(recipient, messageId));
                if (delivery.deferred()) {
                    RegisteredMailMetrics.increment("deferred");
                }
                for (ServerNode.Delivered d : delivery.delivered()) {
                    LOG.info("registered mail ({}) {} queued for recipient {}", mail.getName(),
                        d.status(), d.index());
                }
                RegisteredMailMetrics.increment("delivered");
            }
            if (!missing.isEmpty()) {
                List<Integer> rejected = node.reject(header.get(), message, missing);
                LOG.info("registered mail ({}): REJECTED queued for recipients {} (no such mailbox)",
                    mail.getName(), rejected);
            }
            MailAttributes.setHeader(mail, Optional.empty());
            MailAttributes.markHandled(mail);
        } catch (RegistrationRefused e) {
            Ordinary.goOn(mail, LOG, e.reason().name(), e.getMessage());
        } catch (Exception e) {
            Ordinary.goOn(mail, LOG, "UNAVAILABLE", e.toString());
        }
    }

    @Override
    public String getMailetInfo() {
        return "Registered mail: recipient's server";
    }
}
