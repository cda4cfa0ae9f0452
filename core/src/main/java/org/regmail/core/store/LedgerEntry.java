package org.regmail.core.store;

import java.math.BigInteger;
import java.time.Instant;

/**
 * What one transaction cost this server and what it was reimbursed, for the billing ledger.
 *
 * @param transactionHash the transaction
 * @param block its block
 * @param gasUsed gas used
 * @param gasPrice effective gas price in wei
 * @param records how many records it carried that landed
 * @param reimbursed wei credited to this server for it
 * @param at when it was settled
 */
public record LedgerEntry(String transactionHash, long block, long gasUsed, BigInteger gasPrice,
                          int records, BigInteger reimbursed, Instant at) {
    /** gas used × gas price, in wei. */
    public BigInteger cost() {
        return gasPrice.multiply(BigInteger.valueOf(gasUsed));
    }
}
