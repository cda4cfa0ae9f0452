package org.regmail.mailets;

import javax.inject.Inject;

import org.apache.james.imap.processor.fetch.FetchProcessor;
import org.apache.james.modules.protocols.ImapPackage;
import org.apache.james.utils.ClassName;

import com.google.common.collect.ImmutableList;

/**
 * James's default IMAP package with FETCH served by {@link RecordImapDownload}. Name it alone
 * (James maps each request to exactly one processor):
 *
 * <pre>{@code
 * <!-- imapserver.xml, inside <imapserver> -->
 * <imapPackages>org.regmail.mailets.RegisteredMailImapPackage</imapPackages>
 * }</pre>
 */
public class RegisteredMailImapPackage extends ImapPackage.Impl {
    private static final ClassName JAMES_FETCH =
        new ClassName(FetchProcessor.class.getCanonicalName());
    private static final ClassName RECORDING_FETCH =
        new ClassName(RecordImapDownload.class.getCanonicalName());

    @Inject
    public RegisteredMailImapPackage() {
        super(ImapPackage.DEFAULT.processors().stream()
                .map(processor -> processor.equals(JAMES_FETCH) ? RECORDING_FETCH : processor)
                .collect(ImmutableList.toImmutableList()),
            ImmutableList.copyOf(ImapPackage.DEFAULT.decoders()),
            ImmutableList.copyOf(ImapPackage.DEFAULT.encoders()));
    }
}
