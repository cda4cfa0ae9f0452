package org.regmail.mailets.seams;

import com.google.inject.AbstractModule;
import com.google.inject.Scopes;

/**
 * The extension's Guice module, named in {@code extensions.properties} as
 * {@code guice.extension.module=org.regmail.mailets.seams.SeamModule}. James installs it in
 * the injector that instantiates every mailet, matcher, protocol handler, IMAP processor and
 * mailbox listener, so what it binds as a singleton is one object shared by all of them.
 */
public class SeamModule extends AbstractModule {
    @Override
    protected void configure() {
        bind(SeamEvents.class).in(Scopes.SINGLETON);
    }
}
