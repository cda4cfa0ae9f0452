package org.regmail.mailets;

import java.util.List;
import java.util.Optional;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.filesystem.api.FileSystem;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.regmail.core.registration.RegistrationRefused;
import org.regmail.core.server.ServerNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A relay that speaks the protocol: opens the envelope sealed for it, queues RELAYED for the
 * registered recipients (the previous hop authorised this relay on chain), and sends the mail
 * on with the envelope sealed for each recipient domain's server. A mail that fails a check
 * goes on as ordinary mail with one WARN line. A header sealed for another server (the sender
 * sent directly to the recipient's server through this relay) is passed on untouched, as a
 * relay that does not run this mailet would, and the recipient's server still records.
 *
 * <p>Init parameters: {@code configuration} (default
 * {@code file://conf/registered-mail.properties}); {@code nextProcessor} (default
 * {@code transport}).
 *
 * <pre>{@code
 * <mailet match="org.regmail.mailets.HasRegisteredMailHeader"
 *         class="org.regmail.mailets.RecordRelay"/>
 * }</pre>
 */
public class RecordRelay extends GenericMailet {
    private static final Logger LOG = LoggerFactory.getLogger(RecordRelay.class);

    private final FileSystem fileSystem;
    private ServerNode node;
    private String nextProcessor;

    @Inject
    public RecordRelay(FileSystem fileSystem) {
        this.fileSystem = fileSystem;
    }

    @Override
    public void init() throws MessagingException {
        node = Configuration.node(this, fileSystem);
        nextProcessor = getInitParameter("nextProcessor", "transport");
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        Optional<String> header = MailAttributes.header(mail, node);
        if (header.isEmpty()) {
            return;
        }
        List<String> recipients = NextHopCopies.recipients(mail);
        try {
            ServerNode.Accepted accepted = node.relay(header.get(),
                MailAttributes.bytes(mail.getMessage()), recipients);
            if (accepted.isDeferred()) {
                RegisteredMailMetrics.increment("deferred");
                LOG.warn("registered mail ({}) relayed before its check: the chain is unreachable;"
                    + " next hops: {}", mail.getName(), NextHopCopies.describe(accepted.hops()));
                NextHopCopies.send(mail, accepted, getMailetContext(), nextProcessor);
                return;
            }
            LOG.info("registered mail {} relayed ({}): RELAYED queued for recipient indexes {} "
                + "(once each: a repeat queues nothing); next hops: {}",
                accepted.ref().registration(), mail.getName(), accepted.ref().indexes(),
                NextHopCopies.describe(accepted.hops()));
            RegisteredMailMetrics.increment("relayed");
            NextHopCopies.send(mail, accepted, getMailetContext(), nextProcessor);
        } catch (RegistrationRefused e) {
            if (e.reason() == RegistrationRefused.Reason.NOT_FOR_THIS_SERVER) {
                // Sealed for a server further on: pass it on as a plain relay would.
                MailAttributes.markHandled(mail);
                RegisteredMailMetrics.increment("passed-on");
                LOG.info("mail {}: its Registered-Mail header is for another server, passed on "
                    + "untouched", mail.getName());
                return;
            }
            Ordinary.goOn(mail, LOG, e.reason().name(), e.getMessage());
        } catch (Exception e) {
            Ordinary.goOn(mail, LOG, "UNAVAILABLE", e.toString());
        }
    }

    @Override
    public String getMailetInfo() {
        return "Registered mail: relay";
    }
}
