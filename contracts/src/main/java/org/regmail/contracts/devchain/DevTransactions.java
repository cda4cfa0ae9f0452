package org.regmail.contracts.devchain;

import java.math.BigInteger;

import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.TransactionManager;
import org.web3j.tx.gas.ContractGasProvider;
import org.web3j.tx.gas.StaticEIP1559GasProvider;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;

/**
 * Transaction settings for a local chain that mines on demand: EIP-1559 fees well above
 * anvil's base fee and a receipt poller that asks every 10 ms (web3j's default waits 15 s).
 * For development, tests and benchmarks; servers use the core chain gateway.
 */
public final class DevTransactions {
    public static final BigInteger MAX_FEE_PER_GAS = BigInteger.valueOf(20_000_000_000L);
    public static final BigInteger MAX_PRIORITY_FEE_PER_GAS = BigInteger.valueOf(1_000_000_000L);
    public static final BigInteger GAS_LIMIT = BigInteger.valueOf(12_000_000L);

    private DevTransactions() {
    }

    public static TransactionManager manager(Web3j web3j, Credentials credentials) {
        return new RawTransactionManager(web3j, credentials, Anvil.CHAIN_ID,
            new PollingTransactionReceiptProcessor(web3j, 10, 3_000));
    }

    public static ContractGasProvider gas() {
        return gas(MAX_PRIORITY_FEE_PER_GAS);
    }

    /** Fees with a given priority fee (tip), e.g. to pay more than a registration's fee cap. */
    public static ContractGasProvider gas(BigInteger maxPriorityFeePerGas) {
        return new StaticEIP1559GasProvider(Anvil.CHAIN_ID,
            MAX_FEE_PER_GAS.max(maxPriorityFeePerGas.multiply(BigInteger.TWO)),
            maxPriorityFeePerGas, GAS_LIMIT);
    }
}
