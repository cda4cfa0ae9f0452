package org.regmail.core.keys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

import org.web3j.crypto.exception.CipherException;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.WalletUtils;

/**
 * Loads an account from an Ethereum V3 keystore file (the format geth, web3j and most wallets
 * write) with its password taken from a file or an environment variable — never from
 * configuration text, never logged.
 *
 * <p>Both files must not be readable by other users: a key others can read is a key others
 * can use to lie in this server's name, so it is refused at start.
 */
public final class KeystoreCredentials {
    private KeystoreCredentials() {
    }

    /** Where the keystore password comes from. */
    public sealed interface PasswordSource permits PasswordFile, PasswordVariable {
        /** Reads the password; the message names the source, never its content. */
        String read() throws KeyException;
    }

    /** The password is the first line of a file. */
    public record PasswordFile(Path path) implements PasswordSource {
        @Override
        public String read() throws KeyException {
            requirePrivate(path, "password file");
            try {
                String text = Files.readString(path, StandardCharsets.UTF_8);
                int newline = text.indexOf('\n');
                String password = (newline < 0 ? text : text.substring(0, newline)).strip();
                if (password.isEmpty()) {
                    throw new KeyException("the password file " + path + " is empty");
                }
                return password;
            } catch (IOException e) {
                throw new KeyException("cannot read the password file " + path + ": "
                    + e.getClass().getSimpleName());
            }
        }
    }

    /** The password is in an environment variable. */
    public record PasswordVariable(String name) implements PasswordSource {
        @Override
        public String read() throws KeyException {
            String password = System.getenv(name);
            if (password == null || password.isEmpty()) {
                throw new KeyException("the environment variable " + name
                    + " holding the keystore password is not set");
            }
            return password;
        }
    }

    /**
     * Decrypts the keystore.
     *
     * @throws KeyException naming the file and what is wrong (missing, readable by others,
     *     not a keystore, wrong password) — never the password or the key
     */
    public static Credentials load(Path keystore, PasswordSource password) throws KeyException {
        if (!Files.isRegularFile(keystore)) {
            throw new KeyException("the keystore " + keystore + " does not exist");
        }
        requirePrivate(keystore, "keystore");
        String secret = password.read();
        try {
            return WalletUtils.loadCredentials(secret, keystore.toFile());
        } catch (CipherException e) {
            if (e.getMessage() != null && e.getMessage().contains("Invalid password")) {
                throw new KeyException("wrong password for the keystore " + keystore);
            }
            throw new KeyException("the keystore " + keystore + " is not a V3 keystore file ("
                + e.getMessage() + ")");
        } catch (IOException | RuntimeException e) {
            throw new KeyException("the keystore " + keystore + " is not a V3 keystore file ("
                + e.getClass().getSimpleName() + ")");
        }
    }

    /**
     * Writes a new V3 keystore for {@code keys} into {@code directory}, readable by its owner
     * only, with web3j's light scrypt parameters (fast to open; for servers that restart often).
     *
     * @return the file written
     */
    public static Path create(ECKeyPair keys, String password, Path directory) throws KeyException {
        try {
            Files.createDirectories(directory);
            String name = WalletUtils.generateWalletFile(password, keys, directory.toFile(), false);
            Path file = directory.resolve(name);
            restrictToOwner(file);
            return file;
        } catch (IOException | CipherException e) {
            throw new KeyException("cannot write a keystore into " + directory + ": "
                + e.getClass().getSimpleName());
        }
    }

    /** Makes a file readable and writable by its owner only (where the file system can). */
    public static void restrictToOwner(Path file) throws IOException {
        if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
            Files.setPosixFilePermissions(file,
                Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
        }
    }

    private static void requirePrivate(Path file, String what) throws KeyException {
        try {
            if (!Files.getFileStore(file).supportsFileAttributeView("posix")) {
                return; // Limitation: on non-POSIX file systems the permission check is skipped.
            }
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            if (permissions.contains(PosixFilePermission.OTHERS_READ)
                || permissions.contains(PosixFilePermission.GROUP_READ)
                || permissions.contains(PosixFilePermission.OTHERS_WRITE)
                || permissions.contains(PosixFilePermission.GROUP_WRITE)) {
                throw new KeyException("the " + what + " " + file + " is readable or writable by "
                    + "other users; restrict it to its owner (chmod 600)");
            }
        } catch (IOException e) {
            throw new KeyException("cannot check the permissions of the " + what + " " + file);
        }
    }
}
