package org.regmail.client;

import java.io.IOException;
import java.math.BigInteger;
import java.util.Locale;

import org.regmail.core.chain.ChainException;
import org.regmail.core.chain.ChainGateway;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthEstimateGas;

/**
 * Checks an account can pay a transaction before it is sent. With too little balance the node
 * refuses the gas estimate ("gas required exceeds allowance: 0"), which would otherwise read as
 * the contracts refusing the transaction.
 */
public final class Funds {
    /** Gas of a server registration (domain and key stored), measured on anvil with margin. */
    public static final long REGISTER_SERVER_GAS = 160_000;
    /** Gas of an approval or a revocation. */
    public static final long ADMIN_DECISION_GAS = 60_000;
    /** Gas of recording EXPIRED for one recipient. */
    public static final long EXPIRE_GAS = 120_000;
    /** Gas of withdrawing an escrow. */
    public static final long WITHDRAW_GAS = 80_000;
    /** Gas of creating a registration, before the node estimates it. */
    public static final long CREATE_REGISTRATION_GAS = 400_000;
    /** Gas of deploying the Master, its factory and the implementation. */
    public static final long DEPLOY_GAS = 6_000_000;

    private Funds() {
    }

    /**
     * Refuses when {@code account}'s balance is below {@code needed} wei.
     *
     * @param what what the money pays for ("registering example.org")
     * @throws UserError exit 3, naming the account, its balance and the amount needed
     */
    public static void require(ChainGateway gateway, String account, BigInteger needed,
                               String what) throws ChainException {
        BigInteger balance = gateway.balanceOf(account);
        if (balance.compareTo(needed) < 0) {
            throw UserError.chain("account " + account.toLowerCase(Locale.ROOT) + " has "
                + Amounts.ether(balance) + " (needs about " + about(needed) + ") to pay "
                + "for " + what + "; fund it and try again (nothing was sent)");
        }
    }

    /**
     * Refuses when {@code account} cannot pay a contract call of {@code data} to {@code to}
     * at the current fees: its gas as the node estimates it, else {@code fallbackGas}.
     */
    public static void requireFor(ChainGateway gateway, String account, String to, String data,
                                  long fallbackGas, String what) throws ChainException {
        BigInteger fee = maxFeePerGas(gateway);
        BigInteger gas = BigInteger.valueOf(fallbackGas);
        try {
            EthEstimateGas estimate = gateway.web3j().ethEstimateGas(
                Transaction.createFunctionCallTransaction(account, null, null, null, to,
                    BigInteger.ZERO, data)).send();
            if (!estimate.hasError()) {
                gas = estimate.getAmountUsed();
            }
        } catch (IOException e) {
            throw new ChainException("cannot reach the Ethereum node at "
                + gateway.settings().rpcUrl(), e, true);
        }
        require(gateway, account, gas.multiply(fee), what);
    }

    /** An amount rounded up to three significant digits: "0.000845 ETH". */
    static String about(BigInteger wei) {
        java.math.BigDecimal rounded = new java.math.BigDecimal(wei)
            .round(new java.math.MathContext(3, java.math.RoundingMode.UP));
        return Amounts.ether(rounded.toBigIntegerExact());
    }

    /** What a gas unit may cost now: twice the latest base fee plus the tip. */
    public static BigInteger maxFeePerGas(ChainGateway gateway) throws ChainException {
        try {
            BigInteger baseFee = gateway.web3j()
                .ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false).send().getBlock()
                .getBaseFeePerGas();
            BigInteger base = baseFee == null ? BigInteger.ZERO : baseFee;
            return base.shiftLeft(1).add(gateway.settings().maxPriorityFeePerGas());
        } catch (IOException e) {
            throw new ChainException("cannot reach the Ethereum node at "
                + gateway.settings().rpcUrl(), e, true);
        }
    }
}
