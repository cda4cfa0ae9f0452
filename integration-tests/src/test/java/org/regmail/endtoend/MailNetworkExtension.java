package org.regmail.endtoend;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gives every test class the one {@link MailNetwork} of the test run: started by the first
 * class that needs it, closed when the run ends (it lives in the root context's store), so the
 * five James servers start once, not once per class.
 */
final class MailNetworkExtension implements BeforeAllCallback {
    private static final ExtensionContext.Namespace NAMESPACE =
        ExtensionContext.Namespace.create(MailNetworkExtension.class);

    private MailNetwork network;

    @Override
    public void beforeAll(ExtensionContext context) {
        network = context.getRoot().getStore(NAMESPACE)
            .getOrComputeIfAbsent("network", key -> new Running(start()), Running.class).network;
    }

    MailNetwork network() {
        return network;
    }

    private static MailNetwork start() {
        try {
            return MailNetwork.start();
        } catch (Exception e) {
            throw new IllegalStateException("the mail network did not start: " + e, e);
        }
    }

    /** Closes the network with the root context, at the end of the run. */
    private record Running(MailNetwork network)
        implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() {
            network.close();
        }
    }
}
