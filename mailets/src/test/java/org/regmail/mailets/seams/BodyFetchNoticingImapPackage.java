package org.regmail.mailets.seams;

import javax.inject.Inject;

import org.apache.james.imap.processor.fetch.FetchProcessor;
import org.apache.james.modules.protocols.ImapPackage;
import org.apache.james.utils.ClassName;

import com.google.common.collect.ImmutableList;

/**
 * James's whole default IMAP package with one processor swapped: FETCH is served by
 * {@link BodyFetchNoticingProcessor}. Named alone in {@code imapserver.xml}
 * ({@code <imapPackages>org.regmail.mailets.seams.BodyFetchNoticingImapPackage</imapPackages>}),
 * not next to {@code DefaultImapPackage}: James maps each request class to exactly one
 * processor and refuses two processors for FETCH.
 */
public class BodyFetchNoticingImapPackage extends ImapPackage.Impl {

    private static final ClassName JAMES_FETCH =
        new ClassName(FetchProcessor.class.getCanonicalName());
    private static final ClassName NOTICING_FETCH =
        new ClassName(BodyFetchNoticingProcessor.class.getCanonicalName());

    @Inject
    public BodyFetchNoticingImapPackage() {
        super(ImapPackage.DEFAULT.processors().stream()
                .map(processor -> processor.equals(JAMES_FETCH) ? NOTICING_FETCH : processor)
                .collect(ImmutableList.toImmutableList()),
            ImmutableList.copyOf(ImapPackage.DEFAULT.decoders()),
            ImmutableList.copyOf(ImapPackage.DEFAULT.encoders()));
    }
}
