package org.regmail.core.config;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Properties;
import java.util.regex.Pattern;

import org.regmail.core.chain.ChainSettings;
import org.regmail.core.keys.KeystoreCredentials;

/**
 * A mail server's registered-mail settings, read from {@code registered-mail.properties} and
 * validated as a whole at start; every error names the key.
 *
 * <pre>
 * chain.rpc-url          JSON-RPC endpoint (required)
 * chain.id               chain id the node must report (required)
 * chain.master           EmailRegistrationMaster address (required)
 * chain.max-fee-gwei     cap on the max fee per gas (default 100)
 * chain.priority-fee-gwei tip per gas (default 1)
 * chain.confirmations    blocks before a record counts as final (default 1)
 * chain.receipt-poll-ms  receipt polling interval (default 100)
 * server.domain          the mail domain this server holds in the directory (required)
 * server.keystore        V3 keystore of the server's account (required, chmod 600)
 * server.password-file   file holding the keystore password (this or server.password-env)
 * server.password-env    environment variable holding the keystore password
 * outbox.batch-size      records per transaction, 1..200 (default 50)
 * outbox.interval-ms     time between outbox cycles (default 1000)
 * outbox.replace-after-seconds  a transaction pending this long is replaced with higher
 *                        fees, within chain.max-fee-gwei (default 60)
 * store.path             the embedded store's file, without extension (required)
 * </pre>
 *
 * Relative paths are resolved against the directory holding the properties file.
 */
public record ServerConfig(ChainSettings chain, String domain, Path keystore,
                           KeystoreCredentials.PasswordSource password, int batchSize,
                           Duration batchInterval, Path storePath, Duration replaceAfter) {
    private static final Pattern ADDRESS = Pattern.compile("0x[0-9a-fA-F]{40}");
    private static final Pattern DOMAIN = Pattern.compile("[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?");
    private static final BigDecimal GWEI = BigDecimal.TEN.pow(9);

    /** Reads and validates a properties file. */
    public static ServerConfig load(Path file) throws ConfigException {
        Properties properties = new Properties();
        try (java.io.Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new ConfigException("cannot read " + file + ": " + e.getMessage());
        }
        Path base = file.toAbsolutePath().getParent();
        return from(properties, base, file.getFileName().toString());
    }

    /** Validates properties; relative paths are resolved against {@code base}. */
    public static ServerConfig from(Properties p, Path base, String source) throws ConfigException {
        Keys r = new Keys(p, source);
        String rpcUrl = r.required("chain.rpc-url");
        try {
            URI uri = new URI(rpcUrl);
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
                throw r.invalid("chain.rpc-url", "must be an http:// or https:// URL");
            }
        } catch (URISyntaxException e) {
            throw r.invalid("chain.rpc-url", "is not a URL");
        }
        long chainId = r.positiveLong("chain.id", null);
        String master = r.required("chain.master");
        if (!ADDRESS.matcher(master).matches()) {
            throw r.invalid("chain.master", "must be a 0x-prefixed 20-byte hex address");
        }
        BigInteger maxFee = r.gwei("chain.max-fee-gwei", "100");
        BigInteger tip = r.gwei("chain.priority-fee-gwei", "1");
        if (tip.compareTo(maxFee) > 0) {
            throw r.invalid("chain.priority-fee-gwei", "exceeds chain.max-fee-gwei");
        }
        int confirmations = (int) r.positiveLong("chain.confirmations", "1");
        Duration poll = Duration.ofMillis(r.positiveLong("chain.receipt-poll-ms", "100"));

        String domain = r.required("server.domain").toLowerCase(Locale.ROOT);
        if (!DOMAIN.matcher(domain).matches()) {
            throw r.invalid("server.domain", "is not a mail domain");
        }
        Path keystore = base.resolve(r.required("server.keystore"));
        String passwordFile = p.getProperty("server.password-file");
        String passwordEnv = p.getProperty("server.password-env");
        KeystoreCredentials.PasswordSource password;
        if (passwordFile != null && passwordEnv != null) {
            throw r.invalid("server.password-file",
                "and server.password-env are both set; keep one");
        } else if (passwordFile != null) {
            password = new KeystoreCredentials.PasswordFile(base.resolve(passwordFile.strip()));
        } else if (passwordEnv != null) {
            password = new KeystoreCredentials.PasswordVariable(passwordEnv.strip());
        } else {
            throw new ConfigException(source + ": server.password-file or server.password-env "
                + "is required (a password is never written in the configuration itself)");
        }
        int batchSize = (int) r.positiveLong("outbox.batch-size", "50");
        if (batchSize > 200) {
            throw r.invalid("outbox.batch-size", "must be at most 200");
        }
        Duration interval = Duration.ofMillis(r.positiveLong("outbox.interval-ms", "1000"));
        Path store = base.resolve(r.required("store.path"));
        Duration replaceAfter = Duration.ofSeconds(
            r.positiveLong("outbox.replace-after-seconds", "60"));

        ChainSettings chain = new ChainSettings(rpcUrl, chainId, master, maxFee, tip, poll,
            confirmations);
        return new ServerConfig(chain, domain, keystore, password, batchSize, interval, store,
            replaceAfter);
    }

    private record Keys(Properties p, String source) {
        String required(String key) throws ConfigException {
            String value = p.getProperty(key);
            if (value == null || value.isBlank()) {
                throw new ConfigException(source + ": " + key + " is required");
            }
            return value.strip();
        }

        long positiveLong(String key, String defaultValue) throws ConfigException {
            String value = defaultValue == null
                ? required(key)
                : p.getProperty(key, defaultValue).strip();
            try {
                long number = Long.parseLong(value);
                if (number < 1) {
                    throw invalid(key, "must be a positive whole number, was " + value);
                }
                return number;
            } catch (NumberFormatException e) {
                throw invalid(key, "must be a positive whole number, was '" + value + "'");
            }
        }

        BigInteger gwei(String key, String defaultValue) throws ConfigException {
            String value = p.getProperty(key, defaultValue).strip();
            try {
                BigDecimal number = new BigDecimal(value);
                if (number.signum() <= 0) {
                    throw invalid(key, "must be positive, was " + value);
                }
                return number.multiply(GWEI).toBigInteger();
            } catch (NumberFormatException e) {
                throw invalid(key, "must be a number of gwei, was '" + value + "'");
            }
        }

        ConfigException invalid(String key, String problem) {
            return new ConfigException(source + ": " + key + " " + problem);
        }
    }
}
