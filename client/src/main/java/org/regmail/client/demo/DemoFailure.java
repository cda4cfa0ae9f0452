package org.regmail.client.demo;

/**
 * The demo could not go on: one line saying what did not happen and where to look. Never a
 * stack trace for the user.
 */
public final class DemoFailure extends RuntimeException {
    public DemoFailure(String message) {
        super(message, null, false, false);
    }
}
