package org.regmail.core.evidence;

import java.util.List;
import java.util.Optional;

/**
 * What {@link EvidenceVerifier} concluded about a bundle, claim by claim.
 *
 * @param claims every claim checked, in the order checked
 * @param trail the registration's trail as the node showed it, when it was found
 */
public record Verdict(List<Claim> claims, Optional<RegistrationTrail> trail) {
    public Verdict {
        claims = List.copyOf(claims);
    }

    /** How one claim fared. */
    public enum Outcome {
        /** The chain (or the arithmetic) confirms the claim. */
        CONFIRMED,
        /** The claim is false. */
        MISMATCH,
        /** Said for information; neither confirms nor refutes (a withheld address). */
        NOTE
    }

    /**
     * One claim of the bundle and its outcome.
     *
     * @param subject what was claimed, e.g. "event StatusRecorded READ recipient 0"
     * @param detail why it holds or not, in one line
     */
    public record Claim(Outcome outcome, String subject, String detail) {
    }

    /** True when no claim is contradicted and the chain was consulted. */
    public boolean isValid() {
        return trail.isPresent() && claims.stream().noneMatch(c -> c.outcome() == Outcome.MISMATCH);
    }

    public long mismatches() {
        return claims.stream().filter(c -> c.outcome() == Outcome.MISMATCH).count();
    }

    public long confirmed() {
        return claims.stream().filter(c -> c.outcome() == Outcome.CONFIRMED).count();
    }
}
