package org.regmail.mailets;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.filesystem.api.FileSystem;
import org.apache.mailet.Mail;
import org.apache.james.core.MailAddress;
import org.apache.mailet.base.GenericMailet;
import org.regmail.core.server.RegistrationRef;
import org.regmail.core.server.ServerNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sender's server, after RemoteDelivery handed the mail to the next hop (the next hop
 * answered 250 to the DATA): queues HANDED_OFF for the registered recipients of the copy that
 * went out. Place it in the processor named by RemoteDelivery's {@code onSuccess}; on a partial
 * success RemoteDelivery sends there a copy with the delivered recipients only, and only they
 * are recorded.
 *
 * <p>Init parameter: {@code configuration} (default
 * {@code file://conf/registered-mail.properties}).
 *
 * <pre>{@code
 * <processor state="registered-handed-off" enableJmx="false">
 *   <mailet match="All" class="org.regmail.mailets.RecordHandOff"/>
 *   <mailet match="All" class="Null"/>
 * </processor>
 * }</pre>
 */
public class RecordHandOff extends GenericMailet {
    private static final Logger LOG = LoggerFactory.getLogger(RecordHandOff.class);

    private final FileSystem fileSystem;
    private ServerNode node;

    @Inject
    public RecordHandOff(FileSystem fileSystem) {
        this.fileSystem = fileSystem;
    }

    @Override
    public void init() throws MessagingException {
        node = Configuration.node(this, fileSystem);
    }

    @Override
    public void service(Mail mail) {
        Optional<String> reference = MailAttributes.text(mail, MailAttributes.REGISTRATION);
        Optional<String> deferred = MailAttributes.text(mail, MailAttributes.DEFERRED_HEADER);
        if (reference.isEmpty() && deferred.isPresent()) {
            node.recordHandedOffDeferred(new ServerNode.DeferredSubmission(deferred.get(),
                org.web3j.utils.Numeric.hexStringToByteArray(MailAttributes.text(mail,
                    MailAttributes.DEFERRED_CONTENT_HASH).orElse("0x"))),
                NextHopCopies.recipients(mail));
            LOG.info("mail {} handed off while its registration check waits for the chain",
                mail.getName());
            return;
        }
        if (reference.isEmpty()) {
            return; // ordinary mail
        }
        try {
            RegistrationRef ref = RegistrationRef.decode(reference.get());
            Map<String, Integer> indexes = new HashMap<>();
            MailAttributes.text(mail, MailAttributes.RECIPIENT_INDEXES).ifPresent(text -> {
                for (String pair : text.split(";")) {
                    int equals = pair.lastIndexOf('=');
                    if (equals > 0) {
                        indexes.put(pair.substring(0, equals),
                            Integer.parseInt(pair.substring(equals + 1)));
                    }
                }
            });
            List<Integer> delivered = new ArrayList<>();
            for (MailAddress recipient : mail.getRecipients()) {
                Integer index = indexes.get(recipient.asString().toLowerCase(Locale.ROOT));
                if (index != null && !delivered.contains(index)) {
                    delivered.add(index);
                }
            }
            if (delivered.isEmpty()) {
                return;
            }
            node.recordHandedOff(new RegistrationRef(ref.registration(), ref.salt(), ref.owner(),
                delivered));
            LOG.info("registered mail {} handed off ({}) for recipients {}", ref.registration(),
                mail.getName(), delivered);
        } catch (RuntimeException e) {
            LOG.warn("mail {}: HANDED_OFF not recorded: {}", mail.getName(), e.toString());
        }
    }

    @Override
    public String getMailetInfo() {
        return "Registered mail: hand-off to the next hop";
    }
}
