package org.regmail.core.sending;

import java.math.BigInteger;

/**
 * What a registered mail is expected to cost the sender, before it is sent.
 *
 * @param creationGas gas of the creating transaction (eth_estimateGas)
 * @param maxFeePerGas the most the sender pays per gas for it
 * @param expectedRecords records the servers are expected to write (6 per recipient with a
 *     server: SUBMITTED, HANDED_OFF, DELIVERED, DOWNLOADED, READ, DELETED; 2 without)
 * @param recordGas gas one record is reckoned at
 * @param feeCap the reimbursement cap per gas
 * @param escrow what the sender deposits
 */
public record CostEstimate(BigInteger creationGas, BigInteger maxFeePerGas, int expectedRecords,
                           BigInteger recordGas, BigInteger feeCap, BigInteger escrow) {
    /** The creating transaction's worst-case fee, in wei. */
    public BigInteger creationFee() {
        return creationGas.multiply(maxFeePerGas);
    }

    /** The most the expected records can take from the escrow, in wei. */
    public BigInteger recordsAtCap() {
        return recordGas.multiply(BigInteger.valueOf(expectedRecords)).multiply(feeCap);
    }

    /** Whether the escrow covers the expected records at the fee cap. */
    public boolean escrowCoversRecords() {
        return escrow.compareTo(recordsAtCap()) >= 0;
    }
}
