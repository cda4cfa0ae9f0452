package org.regmail.mailets.seams;

import java.util.stream.Collectors;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.mailet.AttributeName;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;

/**
 * Test-only mailet that notes the mail it sees and ends its processing ({@link Mail#GHOST}):
 * its recipients, its Message-ID and the value of the mail attribute
 * {@code regmail.test.carried}, to show what survives the outgoing queue. Placed in the
 * processor named by RemoteDelivery's {@code onSuccess}, it runs once the next hop has answered
 * 250 to the DATA; in the bounce processor, once delivery failed for good.
 *
 * <ul>
 *   <li>{@code event} (required): the name the observation is recorded under.</li>
 * </ul>
 *
 * <pre>{@code
 * <processor state="handed-off">
 *   <mailet match="All" class="org.regmail.mailets.seams.RecordingMailet">
 *     <event>HANDED_OFF</event>
 *   </mailet>
 * </processor>
 * }</pre>
 */
public class RecordingMailet extends GenericMailet {

    static final String EVENT = "event";
    static final AttributeName CARRIED = AttributeName.of("regmail.test.carried");

    private final SeamEvents events;
    private String event;

    @Inject
    public RecordingMailet(SeamEvents events) {
        this.events = events;
    }

    @Override
    public void init() throws MessagingException {
        event = getInitParameter(EVENT);
        if (event == null || event.isBlank()) {
            throw new MessagingException(
                "RecordingMailet: the init parameter '" + EVENT + "' is required");
        }
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        String recipients = mail.getRecipients().stream()
            .map(Object::toString)
            .sorted()
            .collect(Collectors.joining(","));
        String carried = mail.getAttribute(CARRIED)
            .map(attribute -> attribute.getValue().value().toString())
            .orElse("-");
        events.record("processor", event,
            mail.getMessage().getMessageID(), recipients + " " + carried);
        mail.setState(Mail.GHOST);
    }
}
