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
 * The sender's server: takes a submitted registered mail, checks it (the envelope opens with
 * this server's key, the registration is genuine, its owner signed the envelope, the content is
 * the registered content), queues SUBMITTED for its recipients, and sends it on with the
 * envelope sealed for each next hop's server. A mail that fails any check goes on as ordinary
 * mail, header removed, with one WARN line naming the reason; nothing is sent to the chain for
 * it. The mail never waits for the chain: records go to the durable outbox.
 *
 * <p>Init parameters:
 * <ul>
 *   <li>{@code configuration} — the registered-mail properties file (default
 *       {@code file://conf/registered-mail.properties});</li>
 *   <li>{@code relayDomain} — directory domain of a protocol-speaking smart host all mail goes
 *       through; the envelope is then sealed for it and it records RELAYED (default: none,
 *       direct delivery, one copy per recipient domain);</li>
 *   <li>{@code nextProcessor} — where split copies continue (default {@code transport}); they
 *       carry an attribute that keeps this matcher from taking them again.</li>
 * </ul>
 *
 * <pre>{@code
 * <processor state="transport" enableJmx="false">
 *   <mailet match="org.regmail.mailets.HasRegisteredMailHeader"
 *           class="org.regmail.mailets.RecordSubmission">
 *     <configuration>file://conf/registered-mail.properties</configuration>
 *   </mailet>
 *   ...
 *   <mailet match="All" class="RemoteDelivery">
 *     <onSuccess>registered-handed-off</onSuccess>
 *     ...
 *   </mailet>
 * </processor>
 * }</pre>
 */
public class RecordSubmission extends GenericMailet {
    private static final Logger LOG = LoggerFactory.getLogger(RecordSubmission.class);

    private final FileSystem fileSystem;
    private ServerNode node;
    private String relayDomain;
    private String nextProcessor;

    @Inject
    public RecordSubmission(FileSystem fileSystem) {
        this.fileSystem = fileSystem;
    }

    @Override
    public void init() throws MessagingException {
        node = Configuration.node(this, fileSystem);
        relayDomain = NextHopCopies.nonEmpty(getInitParameter("relayDomain")).orElse(null);
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
            ServerNode.Accepted accepted = node.acceptSubmission(header.get(),
                MailAttributes.bytes(mail.getMessage()), recipients, relayDomain);
            if (accepted.isDeferred()) {
                RegisteredMailMetrics.increment("deferred");
                LOG.warn("registered mail ({}) sent on before its check: the chain is unreachable;"
                    + " next hops: {}", mail.getName(), NextHopCopies.describe(accepted.hops()));
                NextHopCopies.send(mail, accepted, getMailetContext(), nextProcessor);
                return;
            }
            LOG.info("registered mail {} accepted ({}): SUBMITTED queued for recipient indexes {} "
                + "(once each: a repeat queues nothing); next hops: {}",
                accepted.ref().registration(), mail.getName(), accepted.ref().indexes(),
                NextHopCopies.describe(accepted.hops()));
            RegisteredMailMetrics.increment("submitted");
            NextHopCopies.send(mail, accepted, getMailetContext(), nextProcessor);
        } catch (RegistrationRefused e) {
            Ordinary.goOn(mail, LOG, e.reason().name(), e.getMessage());
        } catch (Exception e) {
            // Never lose or hold a mail because of the protocol: chain down, a bad directory
            // entry, anything unexpected — it goes on as ordinary mail.
            Ordinary.goOn(mail, LOG, "UNAVAILABLE", e.toString());
        }
    }

    @Override
    public String getMailetInfo() {
        return "Registered mail: sender's server";
    }

    /** Exposed for subclasses and tests. */
    protected ServerNode node() {
        return node;
    }
}
