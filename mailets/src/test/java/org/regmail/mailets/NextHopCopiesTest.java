package org.regmail.mailets;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import javax.mail.Session;
import javax.mail.internet.MimeMessage;

import org.apache.james.server.core.MailImpl;
import org.apache.mailet.Mail;
import org.apache.mailet.MailetContext;
import org.junit.jupiter.api.Test;
import org.regmail.core.registration.NextHops;

class NextHopCopiesTest {
    /** What the spool was handed: the copy, and its recipients and message at that moment. */
    record Sent(Mail copy, List<String> recipients, boolean hadMessage, String state) {
    }

    @Test
    void shouldSendOneCopyPerRecipientAndDisposeOfEachOnceTheSpoolHasIt() throws Exception {
        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()));
        message.setText("Please find the terms below.");
        message.saveChanges();
        MailImpl mail = MailImpl.builder().name("registered").sender("alice@sender.example")
            .addRecipients("bob@recipient.example", "carol@other.example")
            .mimeMessage(message).build();
        List<Sent> sent = new ArrayList<>();
        MailetContext spool = (MailetContext) Proxy.newProxyInstance(
            MailetContext.class.getClassLoader(), new Class<?>[] {MailetContext.class},
            (proxy, method, args) -> {
                if (method.getName().equals("sendMail") && args.length == 2) {
                    Mail copy = (Mail) args[0];
                    sent.add(new Sent(copy, NextHopCopies.recipients(copy),
                        copy.getMessage() != null, (String) args[1]));
                }
                return null;
            });

        NextHopCopies.send(mail, null, Map.of(), List.of(
            new NextHops.Hop("recipient.example", List.of("bob@recipient.example"),
                Optional.of("sealed-for-recipient"), "directory"),
            new NextHops.Hop("other.example", List.of("carol@other.example"),
                Optional.empty(), "no server in the directory")), spool, "transport");

        assertThat(sent).extracting(Sent::recipients).containsExactly(
            List.of("bob@recipient.example"), List.of("carol@other.example"));
        assertThat(sent).allSatisfy(copy -> {
            assertThat(copy.hadMessage()).as("message when sent").isTrue();
            assertThat(copy.state()).isEqualTo("transport");
            assertThat(copy.copy().getMessage()).as("disposed after sending").isNull();
        });
        assertThat(mail.getState()).isEqualTo(Mail.GHOST);
        assertThat(mail.getMessage()).as("the original stays James's to dispose").isNotNull();
    }
}
