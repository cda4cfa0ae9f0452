package org.regmail.core.chain;

import java.io.IOException;
import java.math.BigInteger;

import org.web3j.crypto.Credentials;
import org.web3j.crypto.RawTransaction;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.methods.response.EthSendTransaction;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.response.TransactionReceiptProcessor;

/** Signs locally with nonces from a {@link NonceTracker}, resynchronising after a failed send. */
final class GatewayTransactionManager extends RawTransactionManager {
    private final NonceTracker nonces;

    GatewayTransactionManager(Web3j web3j, Credentials credentials, long chainId,
                              TransactionReceiptProcessor receipts, NonceTracker nonces) {
        super(web3j, credentials, chainId, receipts);
        this.nonces = nonces;
    }

    @Override
    protected BigInteger getNonce() throws IOException {
        return nonces.allocate();
    }

    @Override
    public EthSendTransaction signAndSend(RawTransaction transaction) throws IOException {
        try {
            EthSendTransaction sent = super.signAndSend(transaction);
            if (sent.hasError()) {
                nonces.resync();
            }
            return sent;
        } catch (IOException e) {
            try {
                nonces.resync();
            } catch (IOException stillDown) {
                e.addSuppressed(stillDown);
            }
            throw e;
        }
    }
}
