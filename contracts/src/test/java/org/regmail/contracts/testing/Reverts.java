package org.regmail.contracts.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.math.BigInteger;
import java.util.Optional;

import org.regmail.contracts.ContractErrors;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthCall;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.exceptions.TransactionException;

/**
 * Asserts that a real transaction reverted on chain, and with which custom error: the mined
 * transaction is replayed with eth_call on the state before its block to read the revert data.
 */
public final class Reverts {
    private Reverts() {
    }

    /** Something that sends one transaction. */
    @FunctionalInterface
    public interface Send {
        TransactionReceipt send() throws Exception;
    }

    /** Sends the transaction, asserts it failed on chain and returns the decoded error. */
    public static ContractErrors.Revert revertOf(Web3j web3j, Send send) {
        TransactionReceipt receipt;
        try {
            TransactionReceipt unexpected = send.send();
            return fail("expected a revert, but transaction %s succeeded",
                unexpected.getTransactionHash());
        } catch (TransactionException e) {
            receipt = e.getTransactionReceipt().orElseThrow(() -> new AssertionError(
                "the transaction failed without a receipt: " + e.getMessage(), e));
        } catch (Exception e) {
            throw new AssertionError("the transaction could not be sent: " + e, e);
        }
        assertThat(receipt.isStatusOK()).as("mined transaction status").isFalse();
        return replay(web3j, receipt).orElseThrow(() -> new AssertionError(
            "reverted without a known custom error, tx " + receipt.getTransactionHash()));
    }

    /** Asserts that the transaction reverts with the named custom error; returns it. */
    public static ContractErrors.Revert assertReverts(Web3j web3j, String errorName, Send send) {
        ContractErrors.Revert revert = revertOf(web3j, send);
        assertThat(revert.name()).as("custom error of " + revert).isEqualTo(errorName);
        return revert;
    }

    private static Optional<ContractErrors.Revert> replay(Web3j web3j, TransactionReceipt receipt) {
        try {
            org.web3j.protocol.core.methods.response.Transaction tx = web3j
                .ethGetTransactionByHash(receipt.getTransactionHash()).send().getTransaction()
                .orElseThrow();
            Transaction call = new Transaction(tx.getFrom(), null, null, tx.getGas(), tx.getTo(),
                tx.getValue(), tx.getInput());
            BigInteger parent = receipt.getBlockNumber().subtract(BigInteger.ONE);
            EthCall result = web3j.ethCall(call, DefaultBlockParameter.valueOf(parent)).send();
            String data = result.hasError() && result.getError().getData() != null
                ? result.getError().getData().replace("\"", "")
                : result.getValue();
            return ContractErrors.decode(data);
        } catch (IOException e) {
            throw new AssertionError("cannot replay " + receipt.getTransactionHash(), e);
        }
    }
}
