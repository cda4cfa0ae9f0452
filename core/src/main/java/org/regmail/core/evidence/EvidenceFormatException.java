package org.regmail.core.evidence;

/** An evidence bundle cannot be read; the message names the field at fault. */
public class EvidenceFormatException extends Exception {
    public EvidenceFormatException(String message) {
        super(message);
    }
}
