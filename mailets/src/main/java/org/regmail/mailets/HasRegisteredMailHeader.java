package org.regmail.mailets;

import java.util.Collection;

import javax.mail.MessagingException;

import org.apache.mailet.Mail;
import org.apache.james.core.MailAddress;
import org.apache.mailet.base.GenericMatcher;

/**
 * Matches mails carrying a {@code Registered-Mail} header that this server has not handled yet
 * (the copies a registered-mail mailet sends on carry {@link MailAttributes#HANDLED}).
 *
 * <pre>{@code
 * <mailet match="org.regmail.mailets.HasRegisteredMailHeader"
 *         class="org.regmail.mailets.RecordSubmission"/>
 * }</pre>
 */
public class HasRegisteredMailHeader extends GenericMatcher {
    @Override
    public Collection<MailAddress> match(Mail mail) throws MessagingException {
        if (mail.getAttribute(MailAttributes.HANDLED).isPresent()) {
            return null;
        }
        String[] header = mail.getMessage().getHeader(MailAttributes.HEADER);
        return header == null || header.length == 0 ? null : mail.getRecipients();
    }
}
