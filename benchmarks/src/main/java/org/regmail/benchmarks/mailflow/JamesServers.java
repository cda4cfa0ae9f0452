package org.regmail.benchmarks.mailflow;

import java.util.ArrayList;
import java.util.List;

import org.regmail.mailets.RegisteredMailRuntime;
import org.regmail.mailets.testing.JamesTestServer;

/** The James servers a benchmark started in this JVM, stopped together with the extension. */
final class JamesServers implements AutoCloseable {
    private final List<JamesTestServer> servers = new ArrayList<>();

    JamesTestServer start(JamesTestServer.Builder builder) throws Exception {
        JamesTestServer server = builder.start();
        servers.add(server);
        return server;
    }

    /** Stops every server (a failure is printed, the others still stop), then the nodes. */
    @Override
    public void close() {
        for (JamesTestServer server : servers) {
            try {
                server.close();
            } catch (RuntimeException e) {
                System.err.println("stopping James: " + e);
            }
        }
        RegisteredMailRuntime.stopAll();
    }
}
