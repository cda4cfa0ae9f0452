package org.regmail.core.evidence;

/**
 * The chain could not be read: the node is unreachable ({@link #isUnreachable()}) or
 * answered something unusable. Says which node, never anything secret.
 */
public class TrailException extends Exception {
    private final boolean unreachable;

    public TrailException(String message, boolean unreachable) {
        super(message);
        this.unreachable = unreachable;
    }

    public boolean isUnreachable() {
        return unreachable;
    }
}
