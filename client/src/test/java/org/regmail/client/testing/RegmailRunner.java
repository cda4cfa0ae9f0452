package org.regmail.client.testing;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.regmail.client.ClientContext;
import org.regmail.client.Regmail;

/** Runs {@code regmail} in-process with a private home and captured output. */
public final class RegmailRunner {
    private final Path home;
    private final Map<String, String> env = new HashMap<>();

    public RegmailRunner(Path home) {
        this.home = home;
        env.put(ClientContext.HOME_VARIABLE, home.toString());
    }

    public Path home() {
        return home;
    }

    public RegmailRunner env(String name, String value) {
        env.put(name, value);
        return this;
    }

    /** What one run printed and returned. */
    public record Result(int exitCode, String out, String err) {
        /** The "error: …" lines of the error stream. */
        public List<String> errors() {
            return err.lines().filter(l -> l.startsWith("error: ")).toList();
        }

        /** The one error line, without its "error: " prefix. */
        public String error() {
            List<String> errors = errors();
            if (errors.size() != 1) {
                throw new AssertionError("expected one error line, got " + errors
                    + "\nstdout:\n" + out + "\nstderr:\n" + err);
            }
            return errors.get(0).substring("error: ".length());
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
        }
    }

    public Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Regmail.run(args, new ClientContext(Map.copyOf(env), new PrintWriter(out, true),
            new PrintWriter(err, true), home.getParent()));
        return new Result(code, out.toString(), err.toString());
    }
}
