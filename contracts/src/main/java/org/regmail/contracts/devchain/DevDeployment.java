package org.regmail.contracts.devchain;

import java.math.BigInteger;

import org.regmail.contracts.generated.EmailRegistrationMaster;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.tx.gas.ContractGasProvider;
import org.web3j.utils.Numeric;

/**
 * Deploys the contracts on a development chain and puts servers in the directory, using
 * anvil's dev accounts. For tests, benchmarks and the demo; real deployments go through
 * {@code regmail deploy}.
 */
public final class DevDeployment {
    /**
     * Gas the clone cannot measure itself per record (calldata, the calls into the clone, its
     * storage write and event, the Master's checks). Calibrated from receipts
     * ({@code GasReport}, {@code EmailRegistrationMasterTest}): with these two values a lone
     * record is reimbursed about 370 gas more than its transaction used (0.7 %) and a batch of
     * any size about 370 less (0.1 % at 20 records).
     */
    public static final BigInteger RECORD_OVERHEAD_GAS = BigInteger.valueOf(11_585);
    /** A transaction's fixed gas (21,000 base, the credit write), shared by a batch's records. */
    public static final BigInteger TRANSACTION_OVERHEAD_GAS = BigInteger.valueOf(33_100);

    private final Web3j web3j;
    private final EmailRegistrationMaster master;

    private DevDeployment(Web3j web3j, EmailRegistrationMaster master) {
        this.web3j = web3j;
        this.master = master;
    }

    /** Deploys a Master (with its factory and implementation) administered by {@code admin}. */
    public static DevDeployment deploy(Web3j web3j, Credentials admin) throws Exception {
        EmailRegistrationMaster master = EmailRegistrationMaster.deploy(web3j,
            DevTransactions.manager(web3j, admin), DevTransactions.gas(), admin.getAddress(),
            RECORD_OVERHEAD_GAS, TRANSACTION_OVERHEAD_GAS).send();
        return new DevDeployment(web3j, master);
    }

    /** The Master as the deploying admin sees it. */
    public EmailRegistrationMaster master() {
        return master;
    }

    /** The Master as another account sees it. */
    public EmailRegistrationMaster as(Credentials who) {
        return as(who, DevTransactions.gas());
    }

    public EmailRegistrationMaster as(Credentials who, ContractGasProvider gas) {
        return EmailRegistrationMaster.load(master.getContractAddress(), web3j,
            DevTransactions.manager(web3j, who), gas);
    }

    /** Publishes {@code server}'s domain and key, then approves it as the admin. */
    public void registerAndApprove(Credentials server, String domain) throws Exception {
        as(server).registerServer(domain, publicKey(server)).send();
        master.approveServer(server.getAddress()).send();
    }

    /** The 64-byte uncompressed public key (x ‖ y) the directory expects. */
    public static byte[] publicKey(Credentials credentials) {
        return Numeric.toBytesPadded(credentials.getEcKeyPair().getPublicKey(), 64);
    }
}
