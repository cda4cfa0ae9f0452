package org.regmail.core.envelope;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.Properties;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;

/**
 * The published TEST keys of {@code envelope/test-keys.properties}. Never anything real.
 */
final class TestKeys {

    private static final Properties KEYS = load();

    private TestKeys() {
    }

    /** The server every golden vector is sealed to. */
    static ECKeyPair server() {
        return key("server");
    }

    /** A server the golden vectors are not sealed to (but one of them is). */
    static ECKeyPair otherServer() {
        return key("other-server");
    }

    /** The registration owner who signs the golden envelopes. */
    static ECKeyPair owner() {
        return key("owner");
    }

    static String address(ECKeyPair keys) {
        return "0x" + Keys.getAddress(keys);
    }

    /** The 64-byte x ‖ y form the server directory publishes. */
    static byte[] directoryKey(ECKeyPair keys) {
        byte[] uncompressed = Ecies.publicKeyOf(keys.getPrivateKey());
        byte[] directory = new byte[64];
        System.arraycopy(uncompressed, 1, directory, 0, 64);
        return directory;
    }

    private static ECKeyPair key(String name) {
        return ECKeyPair.create(new BigInteger(KEYS.getProperty(name + ".privateKey"), 16));
    }

    private static Properties load() {
        try (InputStream in = TestKeys.class.getResourceAsStream(
                "/envelope/test-keys.properties")) {
            Properties properties = new Properties();
            properties.load(in);
            return properties;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
