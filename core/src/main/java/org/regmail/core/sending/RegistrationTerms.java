package org.regmail.core.sending;

import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * What the sender offers for one registered mail: how long recipients have, the highest gas
 * price servers are reimbursed at, and the escrow that pays them.
 *
 * @param deadline after it, a recipient not downloaded may be recorded EXPIRED (unix seconds
 *     on the chain's clock)
 * @param feeCap wei per gas; servers are reimbursed at min(their gas price, feeCap)
 * @param escrow wei deposited with the registration; what is left returns to the sender
 */
public record RegistrationTerms(Instant deadline, BigInteger feeCap, BigInteger escrow) {
    /** Longest wait the Master accepts ({@code EmailRegistrationMaster.MAX_DEADLINE}). */
    public static final Duration MAX_TIMEOUT = Duration.ofDays(10);
    /** The fee cap is a uint48 on chain. */
    public static final BigInteger MAX_FEE_CAP =
        BigInteger.ONE.shiftLeft(48).subtract(BigInteger.ONE);
    /** The escrow is held in 80-bit balances on chain. */
    public static final BigInteger MAX_ESCROW =
        BigInteger.ONE.shiftLeft(80).subtract(BigInteger.ONE);

    public RegistrationTerms {
        Objects.requireNonNull(deadline, "deadline");
        Objects.requireNonNull(feeCap, "feeCap");
        Objects.requireNonNull(escrow, "escrow");
    }

    /**
     * Terms whose deadline is {@code timeout} after {@code chainNow} (the latest block's time:
     * the chain's clock is the one the contract checks).
     *
     * @throws SendingException when the timeout is not positive or longer than 10 days, or
     *     the fee cap or escrow do not fit the contract's fields
     */
    public static RegistrationTerms of(Duration timeout, Instant chainNow, BigInteger feeCap,
                                       BigInteger escrow) throws SendingException {
        checkTimeout(timeout);
        if (feeCap.signum() < 0 || feeCap.compareTo(MAX_FEE_CAP) > 0) {
            throw new SendingException("the fee cap " + feeCap + " wei per gas does not fit the "
                + "contract's 48 bits; give at most " + MAX_FEE_CAP + " wei");
        }
        if (escrow.signum() < 0 || escrow.compareTo(MAX_ESCROW) > 0) {
            throw new SendingException("the escrow " + escrow + " wei does not fit the "
                + "contract's 80 bits");
        }
        return new RegistrationTerms(chainNow.plus(timeout), feeCap, escrow);
    }

    /**
     * Checks a timeout before anything is asked of the chain.
     *
     * @throws SendingException when it is not positive or longer than 10 days
     */
    public static void checkTimeout(Duration timeout) throws SendingException {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new SendingException("the timeout must be positive, not " + format(timeout));
        }
        if (timeout.compareTo(MAX_TIMEOUT) > 0) {
            throw new SendingException("the timeout " + format(timeout) + " is longer than the "
                + "10 days a registration may wait; give --timeout 10d or less");
        }
    }

    /** A duration as the command line writes it: 10d, 36h, 90m, 45s. */
    public static String format(Duration duration) {
        long seconds = duration.getSeconds();
        if (seconds != 0 && seconds % 86_400 == 0) {
            return seconds / 86_400 + "d";
        }
        if (seconds != 0 && seconds % 3_600 == 0) {
            return seconds / 3_600 + "h";
        }
        if (seconds != 0 && seconds % 60 == 0) {
            return seconds / 60 + "m";
        }
        return seconds + "s";
    }
}
