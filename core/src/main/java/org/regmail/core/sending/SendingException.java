package org.regmail.core.sending;

/**
 * A registered mail cannot be sent as asked: a bad recipient, a domain without an approved
 * server, terms the contracts would refuse, a message relays might alter. The message says
 * what is wrong and what to do, in one line, and names no secret.
 */
public class SendingException extends Exception {
    public SendingException(String message) {
        super(message);
    }
}
