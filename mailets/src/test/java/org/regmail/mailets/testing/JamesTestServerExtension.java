package org.regmail.mailets.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Runs a {@link JamesTestServer} for JUnit 5 tests. Registered on a static field, one server
 * serves the whole class (and its {@code @Nested} classes); on an instance field, each test
 * gets its own. Test methods may declare a {@link JamesTestServer} parameter.
 *
 * <pre>{@code
 * @RegisterExtension
 * static JamesTestServerExtension james = new JamesTestServerExtension(JamesTestServer.builder()
 *     .pop3Handlers("org.example.MyPop3Handler"));
 * }</pre>
 */
public final class JamesTestServerExtension implements BeforeAllCallback, AfterAllCallback,
    BeforeEachCallback, AfterEachCallback, ParameterResolver {

    private final JamesTestServer.Builder builder;
    private JamesTestServer server;
    private String startedByContainer;

    public JamesTestServerExtension(JamesTestServer.Builder builder) {
        this.builder = builder;
    }

    /** The running server; only valid while a test of the owning class runs. */
    public JamesTestServer server() {
        if (server == null) {
            throw new IllegalStateException("James is not running");
        }
        return server;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        // @Nested classes get these callbacks too: the outermost class owns the server.
        if (server == null) {
            startedByContainer = context.getUniqueId();
            server = builder.start();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (context.getUniqueId().equals(startedByContainer)) {
            startedByContainer = null;
            stop();
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        if (server == null) {
            server = builder.start();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (startedByContainer == null) {
            stop();
        }
    }

    private void stop() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == JamesTestServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return server();
    }
}
