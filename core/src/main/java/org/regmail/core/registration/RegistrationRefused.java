package org.regmail.core.registration;

/**
 * A mail's {@code Registered-Mail} header cannot be honoured; the mail goes on as ordinary
 * mail. The message names what is wrong and never holds a key, salt or address.
 */
public class RegistrationRefused extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why, in the words an administrator greps the logs for. */
    public enum Reason {
        /** Garbage, truncated, oversized, another chain's, another version. */
        INVALID_HEADER,
        /**
         * Sealed for another server's key (or its ciphertext altered): a relay passes such a
         * header on untouched, as one that does not speak the protocol would.
         */
        NOT_FOR_THIS_SERVER,
        /** No registration created by our Master at that address. */
        UNKNOWN_REGISTRATION,
        /** The envelope was not signed by the registration's owner, or names another mail. */
        FORGED_ENVELOPE,
        /** The mail's content is not the content the registration commits to. */
        CONTENT_MISMATCH,
        /** The envelope names recipient indexes the registration does not have. */
        INDEX_OUT_OF_RANGE,
        /** None of the mail's recipients is a recipient the envelope names. */
        NO_MATCHING_RECIPIENT
    }

    private final Reason reason;

    public RegistrationRefused(Reason reason, String problem) {
        super(reason + ": " + problem);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
