package org.regmail.client;

/**
 * Ends a command with one line saying what is wrong and what to do, and an exit code from
 * {@link ExitCode}; never a stack trace.
 */
public final class UserError extends RuntimeException {
    private final int exitCode;

    public UserError(int exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    public static UserError usage(String message) {
        return new UserError(ExitCode.USAGE, message);
    }

    public static UserError chain(String message) {
        return new UserError(ExitCode.CHAIN, message);
    }

    public static UserError mail(String message) {
        return new UserError(ExitCode.MAIL, message);
    }

    public static UserError negative(String message) {
        return new UserError(ExitCode.NEGATIVE, message);
    }

    public int exitCode() {
        return exitCode;
    }
}
