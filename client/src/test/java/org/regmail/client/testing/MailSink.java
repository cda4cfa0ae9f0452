package org.regmail.client.testing;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;

/** A tiny SMTP server that takes mail for anyone, with one submission login. */
public final class MailSink {
    public static final String LOGIN = "alice@sender.example";
    public static final String PASSWORD = "alice-secret";

    private MailSink() {
    }

    public static GreenMailExtension create() {
        return new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
            .withConfiguration(GreenMailConfiguration.aConfig().withUser(LOGIN, LOGIN, PASSWORD))
            .withPerMethodLifecycle(true);
    }
}
