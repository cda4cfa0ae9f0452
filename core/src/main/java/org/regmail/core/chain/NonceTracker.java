package org.regmail.core.chain;

import java.io.IOException;
import java.math.BigInteger;

import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;

/**
 * Hands out an account's nonces locally, so that many transactions can be signed and sent
 * back to back (and from several threads) without asking the node each time. When a send
 * fails, {@link #resync()} makes the next nonce the node's pending count again, which fills any
 * gap the failed transaction left.
 */
final class NonceTracker {
    private final Web3j web3j;
    private final String address;
    private BigInteger next;

    NonceTracker(Web3j web3j, String address) {
        this.web3j = web3j;
        this.address = address;
    }

    synchronized BigInteger allocate() throws IOException {
        if (next == null) {
            next = pendingCount();
        }
        BigInteger nonce = next;
        next = next.add(BigInteger.ONE);
        return nonce;
    }

    synchronized void resync() throws IOException {
        next = pendingCount();
    }

    private BigInteger pendingCount() throws IOException {
        return web3j.ethGetTransactionCount(address, DefaultBlockParameterName.PENDING)
            .send().getTransactionCount();
    }
}
