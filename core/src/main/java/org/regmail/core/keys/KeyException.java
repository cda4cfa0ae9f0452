package org.regmail.core.keys;

/** A key or its password could not be used; the message names the file, never a secret. */
public class KeyException extends Exception {
    public KeyException(String message) {
        super(message);
    }
}
