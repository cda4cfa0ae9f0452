package org.regmail.core.store;

/** The store could not read or write (disk full, file locked by another process…). */
public class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public StoreException(String message) {
        super(message);
    }
}
