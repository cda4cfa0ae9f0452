package org.regmail.core.registration;

import java.util.Map;

import org.regmail.core.envelope.RegistrationEnvelope;

/**
 * A registered mail whose envelope opened with this server's key, whose registration is
 * genuine and whose envelope its owner signed.
 *
 * @param envelope the opened envelope
 * @param info the registration as the chain records it
 * @param registrationSalt the Master's CREATE2 salt, how records name the registration
 * @param contentIntact whether the mail's content commitment equals the registered one
 * @param recipientIndexes the mail's recipients (lower-case addresses) that the envelope names,
 *     with their index in the registration
 */
public record VerifiedMail(RegistrationEnvelope envelope, RegistrationInfo info,
                           byte[] registrationSalt, boolean contentIntact,
                           Map<String, Integer> recipientIndexes) {
    public String registration() {
        return info.registration();
    }

    public String owner() {
        return info.owner();
    }
}
