package org.regmail.client.demo;

import java.util.Locale;
import java.util.Map;

import org.regmail.core.sending.SentMail;

/**
 * One registered mail of the demo: its number in the story, what it is, and the sender's
 * private record of it (registration, recipients by index, Message-ID).
 *
 * @param number 1, 2, … in the order sent
 * @param what a few words for people ("plain text", "HTML with an attachment")
 * @param sent the sender's record, as {@code regmail send} wrote it
 * @param serverNames server account (lower case) → its directory domain
 */
record Letter(int number, String what, SentMail sent, Map<String, String> serverNames) {
    String label() {
        return "mail " + number;
    }

    String registration() {
        return sent.registration();
    }

    long creationBlock() {
        return sent.creationBlock() == null ? 0 : sent.creationBlock();
    }

    String messageId() {
        return sent.messageId();
    }

    /** The address behind a recipient index. */
    String address(int index) {
        return sent.recipients().stream().filter(r -> r.index() == index).findFirst()
            .map(SentMail.SentRecipient::address).orElse("recipient " + index);
    }

    /** The recipient index of an address. */
    int index(String address) {
        return sent.recipient(address).map(SentMail.SentRecipient::index)
            .orElseThrow(() -> new IllegalArgumentException(address + " is not a recipient of "
                + label()));
    }

    /** "to", "cc" or "bcc". */
    String kind(int index) {
        return sent.recipients().get(index).kind().name().toLowerCase(Locale.ROOT);
    }

    String serverName(String account) {
        return account == null ? "?" : serverNames.getOrDefault(account.toLowerCase(Locale.ROOT),
            account);
    }
}
