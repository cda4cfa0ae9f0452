package org.regmail.core.chain;

import java.util.Optional;

import org.regmail.contracts.ContractErrors;

/**
 * A chain operation failed. {@link #revert()} names the contract rule that was broken when the
 * chain rejected the transaction; {@link #isUnreachable()} tells a node outage (worth retrying)
 * from a refusal (not worth retrying unchanged).
 */
public class ChainException extends Exception {
    private final transient ContractErrors.Revert revert;
    private final boolean unreachable;

    public ChainException(String message, Throwable cause, boolean unreachable) {
        super(message, cause);
        this.revert = null;
        this.unreachable = unreachable;
    }

    public ChainException(String message, ContractErrors.Revert revert) {
        super(message + ": " + revert);
        this.revert = revert;
        this.unreachable = false;
    }

    public ChainException(String message) {
        super(message);
        this.revert = null;
        this.unreachable = false;
    }

    /** The decoded custom error, when the chain reverted with one of ours. */
    public Optional<ContractErrors.Revert> revert() {
        return Optional.ofNullable(revert);
    }

    /** True when the node could not be reached (connection refused, timeout). */
    public boolean isUnreachable() {
        return unreachable;
    }
}
