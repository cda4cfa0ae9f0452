package org.regmail.client;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;

/**
 * What a run of {@code regmail} sees of the world: its environment variables, where it
 * writes, the user's home directory. Tests give their own.
 *
 * @param env environment variables
 * @param out results (what scripts read)
 * @param err errors and progress
 * @param userHome the user's home directory; the client's home defaults to
 *     {@code userHome/.regmail}
 */
public record ClientContext(Map<String, String> env, PrintWriter out, PrintWriter err,
                            Path userHome) {
    /** The variable naming the client's home directory. */
    public static final String HOME_VARIABLE = "REGMAIL_HOME";

    public static ClientContext system() {
        return new ClientContext(System.getenv(), new PrintWriter(System.out, true),
            new PrintWriter(System.err, true), Paths.get(System.getProperty("user.home")));
    }

    /** The client's home: {@code --home}, else {@code $REGMAIL_HOME}, else {@code ~/.regmail}. */
    public Path home(Path option) {
        if (option != null) {
            return option;
        }
        String variable = env.get(HOME_VARIABLE);
        if (variable != null && !variable.isBlank()) {
            return Paths.get(variable);
        }
        return userHome.resolve(".regmail");
    }

    public String variable(String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? null : value;
    }
}
