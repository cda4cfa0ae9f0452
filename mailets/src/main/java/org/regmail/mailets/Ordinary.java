package org.regmail.mailets;

import java.util.Optional;

import javax.mail.MessagingException;

import org.apache.mailet.Mail;
import org.slf4j.Logger;

/** Lets a mail whose registration cannot be honoured go on as ordinary mail. */
final class Ordinary {
    private Ordinary() {
    }

    static void goOn(Mail mail, Logger log, String reason, String detail)
        throws MessagingException {
        MailAttributes.setHeader(mail, Optional.empty());
        MailAttributes.markHandled(mail);
        RegisteredMailMetrics.increment("ordinary." + reason);
        int recipients = mail.getRecipients().size();
        log.warn("mail {} for {} goes on as ordinary mail, Registered-Mail header removed: {}",
            mail.getName(), recipients == 1 ? "1 recipient" : recipients + " recipients", detail);
    }
}
