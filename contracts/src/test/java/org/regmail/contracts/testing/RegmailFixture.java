package org.regmail.contracts.testing;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.List;

import org.regmail.contracts.Status;
import org.regmail.contracts.devchain.Anvil;
import org.regmail.contracts.devchain.DevDeployment;
import org.regmail.contracts.devchain.DevTransactions;
import org.regmail.contracts.generated.EmailRegistration;
import org.regmail.contracts.generated.EmailRegistrationMaster;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.tx.gas.ContractGasProvider;

/**
 * A deployed Master with approved servers, and the actors of a registered mail as anvil dev
 * accounts: directory admin (0), sender's server (1), recipient's server (2), relay (3),
 * owner (4), a stranger (5) and a second recipient server (6).
 */
public final class RegmailFixture {
    public static final BigInteger FEE_CAP = BigInteger.valueOf(50_000_000_000L);
    public static final BigInteger ESCROW = new BigInteger("10000000000000000"); // 0.01 ether

    public final Web3j web3j;
    public final Credentials admin = Anvil.devAccount(0);
    public final Credentials senderServer = Anvil.devAccount(1);
    public final Credentials recipientServer = Anvil.devAccount(2);
    public final Credentials relay = Anvil.devAccount(3);
    public final Credentials owner = Anvil.devAccount(4);
    public final Credentials stranger = Anvil.devAccount(5);
    public final Credentials secondRecipientServer = Anvil.devAccount(6);
    public final EmailRegistrationMaster master;
    public final TransactionReceipt deployReceipt;

    private RegmailFixture(Web3j web3j, EmailRegistrationMaster master) {
        this.web3j = web3j;
        this.master = master;
        this.deployReceipt = master.getTransactionReceipt().orElseThrow();
    }

    /** Deploys the system and registers and approves the servers. */
    public static RegmailFixture deploy(Web3j web3j) throws Exception {
        DevDeployment deployment = DevDeployment.deploy(web3j, Anvil.devAccount(0));
        RegmailFixture fixture = new RegmailFixture(web3j, deployment.master());
        fixture.registerAndApprove(fixture.senderServer, "sender.example");
        fixture.registerAndApprove(fixture.recipientServer, "recipient.example");
        fixture.registerAndApprove(fixture.relay, "relay.example");
        fixture.registerAndApprove(fixture.secondRecipientServer, "second.example");
        return fixture;
    }

    public void registerAndApprove(Credentials server, String domain) throws Exception {
        as(server).registerServer(domain, DevDeployment.publicKey(server)).send();
        master.approveServer(server.getAddress()).send();
    }

    /** The Master as seen by another account. */
    public EmailRegistrationMaster as(Credentials who) {
        return as(who, DevTransactions.gas());
    }

    public EmailRegistrationMaster as(Credentials who, ContractGasProvider gas) {
        return EmailRegistrationMaster.load(master.getContractAddress(), web3j,
            DevTransactions.manager(web3j, who), gas);
    }

    public EmailRegistration registration(String address) {
        return EmailRegistration.load(address, web3j, DevTransactions.manager(web3j, stranger),
            DevTransactions.gas());
    }

    public static byte[] publicKey(Credentials credentials) {
        return DevDeployment.publicKey(credentials);
    }

    public static byte[] randomBytes32() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }

    public static byte[] commitment(String label) {
        return Hash.sha3(label.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    public long now() throws Exception {
        return web3j.ethGetBlockByNumber(
            org.web3j.protocol.core.DefaultBlockParameterName.LATEST, false)
            .send().getBlock().getTimestamp().longValueExact();
    }

    /** A created registration: its address, CREATE2 salt and local ID. */
    public record Created(String address, byte[] salt, byte[] localId, TransactionReceipt receipt) {
    }

    /** Creates a registration owned by {@link #owner} with the given recipient servers. */
    public Created create(List<String> recipientServers, BigInteger escrow, BigInteger feeCap,
                          long deadline) throws Exception {
        byte[] localId = randomBytes32();
        List<byte[]> commitments = recipientServers.stream()
            .map(server -> randomBytes32()).toList();
        TransactionReceipt receipt = as(owner).createRegistration(localId,
            senderServer.getAddress(), BigInteger.valueOf(deadline), feeCap,
            commitment("content"), commitments, recipientServers, escrow).send();
        byte[] salt = master.registrationSalt(owner.getAddress(), localId).send();
        String address = master.registrationAddress(owner.getAddress(), localId).send();
        return new Created(address, salt, localId, receipt);
    }

    /** A one-recipient registration with the default escrow, fee cap and a one-day deadline. */
    public Created createForOneRecipient() throws Exception {
        return create(List.of(recipientServer.getAddress()), ESCROW, FEE_CAP, now() + 86_400);
    }

    public static EmailRegistrationMaster.Record record(byte[] salt, int index, Status status) {
        return new EmailRegistrationMaster.Record(salt, BigInteger.valueOf(index), status.value());
    }
}
