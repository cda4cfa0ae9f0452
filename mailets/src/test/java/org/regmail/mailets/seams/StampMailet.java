package org.regmail.mailets.seams;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;

/**
 * Test-only mailet with init parameters, written the way ours will be: parameters read once
 * in {@link #init()}, a missing one refused there with a {@link MessagingException} naming it,
 * which makes James refuse to start.
 *
 * <ul>
 *   <li>{@code value} (required): the text to stamp;</li>
 *   <li>{@code headerName} (default {@value #DEFAULT_HEADER_NAME}): the header it goes in.</li>
 * </ul>
 *
 * <pre>{@code
 * <mailet match="All" class="org.regmail.mailets.seams.StampMailet">
 *   <value>stamped</value>
 * </mailet>
 * }</pre>
 */
public class StampMailet extends GenericMailet {

    static final String VALUE = "value";
    static final String HEADER_NAME = "headerName";
    static final String DEFAULT_HEADER_NAME = "X-Regmail-Test-Stamp";

    private final SeamEvents events;
    private String value;
    private String headerName;

    @Inject
    public StampMailet(SeamEvents events) {
        this.events = events;
    }

    @Override
    public void init() throws MessagingException {
        value = getInitParameter(VALUE);
        if (value == null || value.isBlank()) {
            throw new MessagingException(
                "StampMailet: the init parameter '" + VALUE + "' is required");
        }
        headerName = getInitParameter(HEADER_NAME, DEFAULT_HEADER_NAME);
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        mail.getMessage().setHeader(headerName, value);
        mail.getMessage().saveChanges();
        events.record("mailet", "STAMPED", mail.getName(), headerName + ": " + value);
    }
}
