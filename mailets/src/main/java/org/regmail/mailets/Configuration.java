package org.regmail.mailets;

import javax.mail.MessagingException;

import org.apache.james.filesystem.api.FileSystem;
import org.apache.mailet.base.GenericMailet;
import org.regmail.core.config.ConfigException;
import org.regmail.core.server.ServerNode;

/** Reads the {@code configuration} init parameter; a bad file stops James at start. */
final class Configuration {
    static final String PARAMETER = "configuration";

    private Configuration() {
    }

    static ServerNode node(GenericMailet mailet, FileSystem fileSystem) throws MessagingException {
        String location = mailet.getInitParameter(PARAMETER,
            System.getProperty("regmail.configuration",
                RegisteredMailRuntime.DEFAULT_CONFIGURATION));
        try {
            return RegisteredMailRuntime.node(fileSystem, location);
        } catch (ConfigException e) {
            throw new MessagingException(mailet.getMailetName() + ": init parameter '" + PARAMETER
                + "' (" + location + "): " + e.getMessage());
        }
    }
}
