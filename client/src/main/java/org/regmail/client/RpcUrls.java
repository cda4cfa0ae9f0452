package org.regmail.client;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/** JSON-RPC endpoints, checked before any connection so a typo is a usage error. */
public final class RpcUrls {
    private RpcUrls() {
    }

    /**
     * The URL when it is an absolute http or https URL with a host.
     *
     * @param source where it came from, for the message ("--rpc-url", "REGMAIL_RPC_URL")
     */
    public static String check(String url, String source) {
        try {
            URI uri = new URI(url.trim());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null
                && uri.getPort() <= 65535) {
                return url.trim();
            }
        } catch (URISyntaxException e) {
            // reported below, like any other malformed URL
        }
        throw UserError.usage(source + " '" + url + "' is not an http or https URL; write it "
            + "as http://HOST:PORT, e.g. http://127.0.0.1:8545");
    }
}
