package org.regmail.benchmarks;

import java.math.BigInteger;

import org.regmail.contracts.devchain.Anvil;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.utils.Numeric;

/**
 * Reproduces, without the outbox, what makes the outbox take mined transactions for dropped
 * (BENCHMARKS.md, "found while measuring"): after bursts of four raw transactions, it asks for
 * each one's receipt, and when there is none, asks the account's {@code latest} nonce and the
 * receipt again — the outbox's test for "dropped". It counts the times the nonce is already
 * past a transaction whose receipt the node does not serve yet. A longer chain makes anvil
 * slower and the window wider.
 *
 * <p>Arguments (optional): blocks to mine first (3000), bursts (150). Run: {@code ./mvnw -q -pl
 * benchmarks compile exec:exec@nonce-before-receipt}.
 */
public final class NonceBeforeReceipt {
    private static final int BURST = 4;

    private NonceBeforeReceipt() {
    }

    public static void main(String[] args) throws Exception {
        int blocks = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
        int bursts = args.length > 1 ? Integer.parseInt(args[1]) : 150;
        try (Anvil anvil = Anvil.start()) {
            Web3j web3j = anvil.web3j();
            Credentials account = Anvil.devAccount(1);
            for (int i = 0; i < blocks; i++) {
                anvil.mine();
            }
            BigInteger nonce = web3j.ethGetTransactionCount(account.getAddress(),
                DefaultBlockParameterName.PENDING).send().getTransactionCount();
            int missing = 0;
            int nonceFirst = 0;
            for (int b = 0; b < bursts; b++) {
                String[] hashes = new String[BURST];
                BigInteger first = nonce;
                for (int j = 0; j < BURST; j++) {
                    RawTransaction raw = RawTransaction.createTransaction(Anvil.CHAIN_ID, nonce,
                        BigInteger.valueOf(100_000), account.getAddress(), BigInteger.ONE,
                        "0x" + "ab".repeat(2000), BigInteger.valueOf(1_000_000_000L),
                        BigInteger.valueOf(20_000_000_000L));
                    String signed = Numeric.toHexString(
                        TransactionEncoder.signMessage(raw, Anvil.CHAIN_ID, account));
                    hashes[j] = Hash.sha3(signed);
                    var sent = web3j.ethSendRawTransaction(signed).send();
                    if (sent.hasError()) {
                        throw new IllegalStateException(sent.getError().getMessage());
                    }
                    nonce = nonce.add(BigInteger.ONE);
                }
                for (int j = 0; j < BURST; j++) {
                    if (hasReceipt(web3j, hashes[j])) {
                        continue;
                    }
                    missing++;
                    BigInteger mined = web3j.ethGetTransactionCount(account.getAddress(),
                        DefaultBlockParameterName.LATEST).send().getTransactionCount();
                    if (mined.compareTo(first.add(BigInteger.valueOf(j))) > 0
                        && !hasReceipt(web3j, hashes[j])) {
                        nonceFirst++;
                    }
                }
            }
            System.out.printf("chain of %d blocks, %d transactions in bursts of %d: no receipt "
                + "right after sending %d times; latest nonce already past the transaction and "
                + "still no receipt %d times%n", blocks, bursts * BURST, BURST, missing,
                nonceFirst);
        }
    }

    private static boolean hasReceipt(Web3j web3j, String hash) throws Exception {
        return web3j.ethGetTransactionReceipt(hash).send().getTransactionReceipt().isPresent();
    }
}
