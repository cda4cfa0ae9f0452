package org.regmail.core.commitment;

/**
 * A recipient address cannot be committed to: it is empty or not an address. The message names
 * the broken rule, never the address itself, so it may be logged.
 */
public final class InvalidRecipientException extends Exception {

    private static final long serialVersionUID = 1L;

    public InvalidRecipientException(String problem) {
        super(problem);
    }
}
