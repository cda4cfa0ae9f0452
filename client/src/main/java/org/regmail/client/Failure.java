package org.regmail.client;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

import jakarta.mail.MessagingException;
import org.regmail.core.chain.ChainException;
import org.regmail.core.evidence.TrailException;
import org.regmail.core.keys.KeyException;
import org.regmail.core.sending.Deployment;
import org.regmail.core.sending.SendingException;

/** How an exception escaping a command is told to the user: one line and an exit code. */
record Failure(int exitCode, String message) {
    static Failure of(Throwable e) {
        if (e instanceof UserError error) {
            return new Failure(error.exitCode(), error.getMessage());
        }
        if (e instanceof ChainException chain) {
            return new Failure(ExitCode.CHAIN, chain.isUnreachable()
                ? firstLine(chain.getMessage()) + "; is the node running? name another with "
                    + "--rpc-url"
                : RuleAdvice.explain(firstLine(chain.getMessage()), chain.revert()));
        }
        if (e instanceof TrailException trail) {
            return new Failure(ExitCode.CHAIN, trail.isUnreachable()
                ? firstLine(trail.getMessage()) + "; is the node running? name another with "
                    + "--rpc-url"
                : firstLine(trail.getMessage()));
        }
        if (e instanceof KeyException || e instanceof SendingException
            || e instanceof Deployment.DeploymentException) {
            return new Failure(ExitCode.USAGE, firstLine(e.getMessage()));
        }
        if (e instanceof MessagingException mail) {
            return new Failure(ExitCode.MAIL, "the SMTP submission failed: "
                + firstLine(String.valueOf(mail.getMessage())));
        }
        if (e instanceof java.net.ConnectException || e instanceof java.net.SocketTimeoutException
            || e instanceof java.net.UnknownHostException) {
            return new Failure(ExitCode.CHAIN, "lost the connection to the Ethereum node ("
                + firstLine(String.valueOf(e.getMessage())) + "); is the node running? name "
                + "another with --rpc-url");
        }
        if (e instanceof NoSuchFileException missing) {
            return new Failure(ExitCode.USAGE, "there is no file " + missing.getFile());
        }
        if (e instanceof AccessDeniedException denied) {
            return new Failure(ExitCode.USAGE, "permission denied on " + denied.getFile());
        }
        if (e instanceof IOException io) {
            return new Failure(ExitCode.USAGE, "cannot read or write a file: "
                + firstLine(String.valueOf(io.getMessage())));
        }
        return new Failure(ExitCode.INTERNAL, "internal error, please report it: "
            + e.getClass().getName() + ": " + firstLine(String.valueOf(e.getMessage()))
            + " (REGMAIL_DEBUG=1 prints the stack trace)");
    }

    private static final java.util.regex.Pattern CLASS_NAME = java.util.regex.Pattern.compile(
        "\\b(?:[a-z][a-z0-9_]*\\.)*[A-Z][A-Za-z0-9_]*(?:Exception|Error)\\b:?\\s*");

    /**
     * The first line, without Java exception class names: lower layers write "(ConnectException:
     * Failed to connect to /127.0.0.1:9)", the user reads "(Failed to connect to /127.0.0.1:9)".
     */
    static String firstLine(String text) {
        String line = text == null ? "" : text.lines().findFirst().orElse("");
        line = line.replaceAll("(?:java\\.net\\.)?ConnectException(?:: [^)]*)?",
                "connection refused")
            .replaceAll("(?:java\\.net\\.)?SocketTimeoutException(?:: [^)]*)?",
                "no answer in time")
            .replaceAll("(?:java\\.net\\.)?UnknownHostException(?:: ([^)]*))?",
                "unknown host $1");
        return CLASS_NAME.matcher(line).replaceAll("").replace(" ()", "").replace("()", "")
            .replace(" )", ")").trim();
    }
}
