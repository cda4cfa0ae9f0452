package org.regmail.client;

/**
 * The exit codes of {@code regmail}, which scripts can rely on.
 *
 * <pre>
 * 0  OK            the command did what was asked
 * 1  NEGATIVE      the answer is no: a verification found a mismatch, a watch ended before
 *                  every recipient was final, a withdrawal is refused because a recipient is
 *                  not final, a domain has no server
 * 2  USAGE         the command cannot run as given: a bad option or address, a port out of
 *                  range, a malformed URL, a missing or unreadable file, a wrong password, no
 *                  SMTP login, an unknown registration, a resubmission of a mail already on
 *                  its way, a timeout over 10 days
 * 3  CHAIN         the chain failed us: node unreachable or on another chain, a transaction
 *                  refused by the contracts (the broken rule is named), too little balance
 * 4  MAIL          the SMTP server could not be reached or refused the login or the message
 * 5  INTERNAL      a bug: the message says what happened; REGMAIL_DEBUG=1 prints the trace
 * </pre>
 */
public final class ExitCode {
    public static final int OK = 0;
    public static final int NEGATIVE = 1;
    public static final int USAGE = 2;
    public static final int CHAIN = 3;
    public static final int MAIL = 4;
    public static final int INTERNAL = 5;

    private ExitCode() {
    }
}
