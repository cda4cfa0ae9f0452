package org.regmail.client;

import java.nio.file.Files;
import java.nio.file.Path;

import org.regmail.core.keys.KeyException;
import org.regmail.core.keys.KeystoreCredentials;

/** Files the user names, checked so that the message says why one cannot be read. */
public final class InputFiles {
    private InputFiles() {
    }

    /**
     * Refuses a file that does not exist, is a directory or is not readable.
     *
     * @param what how to name it ("--body-file", "the attachment")
     */
    public static void requireReadable(Path file, String what) {
        String why = null;
        if (!Files.exists(file)) {
            why = "there is no such file";
        } else if (Files.isDirectory(file)) {
            why = "it is a directory";
        } else if (!Files.isReadable(file)) {
            why = "permission denied";
        }
        if (why != null) {
            throw UserError.usage("cannot read " + what + " " + file + ": " + why);
        }
    }

    /** The first line of a password file, after saying plainly when the file is missing. */
    public static String password(Path file) throws KeyException {
        if (!Files.exists(file)) {
            throw UserError.usage("there is no password file " + file);
        }
        return new KeystoreCredentials.PasswordFile(file).read();
    }
}
