package org.regmail.client.testing;

import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.regmail.contracts.Status;
import org.regmail.contracts.devchain.Anvil;
import org.regmail.contracts.devchain.DevDeployment;
import org.regmail.contracts.generated.EmailRegistrationMaster;
import org.regmail.core.evidence.GenuineRegistration;
import org.regmail.core.sending.Deployment;
import org.regmail.core.sending.SentMail;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.http.HttpService;

/**
 * The chain the golden evidence bundles were made on, rebuilt bit for bit: a fresh anvil whose
 * genesis is {@link #GENESIS}, fixed dev accounts, a fixed local ID and salt, and every
 * transaction in a block whose time is set beforehand ({@code evm_setNextBlockTimestamp}), so
 * that addresses, block hashes and transaction hashes come out the same on every run.
 *
 * <p>The trail: bob@recipient.example (recipient.example, dev account 2) is submitted, handed
 * off, delivered, downloaded and read; carol@second.example (dev account 6) delivered;
 * dave@plain.example (no server) handed off.
 */
public final class GoldenChain implements AutoCloseable {
    /** 2026-01-01T00:00:00Z. */
    public static final long GENESIS = 1_767_225_600L;
    public static final byte[] LOCAL_ID = Mails.bytes32(7);
    public static final byte[] SALT = Mails.bytes32(11);

    public final Anvil anvil;
    public final Deployment deployment;
    public final SentMail mail;
    private long clock = GENESIS;

    private GoldenChain(Anvil anvil, Deployment deployment, SentMail mail) {
        this.anvil = anvil;
        this.deployment = deployment;
        this.mail = mail;
    }

    /** Starts a fresh anvil and replays the golden history; records the mail under home. */
    public static GoldenChain build(Path home) throws Exception {
        Anvil anvil = Anvil.start(List.of("--timestamp", Long.toString(GENESIS)));
        try {
            GoldenChain history = new GoldenChain(anvil, null, null);
            return history.replay(home);
        } catch (Exception | AssertionError e) {
            anvil.close();
            throw e;
        }
    }

    private GoldenChain replay(Path home) throws Exception {
        Credentials admin = Anvil.devAccount(0);
        next();
        DevDeployment deployed = DevDeployment.deploy(anvil.web3j(), admin);
        EmailRegistrationMaster master = deployed.master();
        register(deployed, Anvil.devAccount(1), "sender.example");
        register(deployed, Anvil.devAccount(2), "recipient.example");
        register(deployed, Anvil.devAccount(6), "second.example");
        Deployment deployment = new Deployment(Anvil.CHAIN_ID, anvil.rpcUrl(),
            master.getContractAddress(), master.factory().send(), master.implementation().send(),
            master.getTransactionReceipt().orElseThrow().getBlockNumber().longValueExact());
        deployment.write(home.resolve("deployment.json"));

        next();
        SentMail mail = Mails.create(deployment, home, LOCAL_ID, SALT, Duration.ofDays(7));
        byte[] salt = GenuineRegistration.registrationSalt(mail.owner(), mail.localIdBytes());
        batch(deployed, Anvil.devAccount(1), salt, Status.SUBMITTED, 0, 1, 2);
        batch(deployed, Anvil.devAccount(1), salt, Status.HANDED_OFF, 0, 1, 2);
        batch(deployed, Anvil.devAccount(2), salt, Status.DELIVERED, 0);
        batch(deployed, Anvil.devAccount(6), salt, Status.DELIVERED, 1);
        batch(deployed, Anvil.devAccount(2), salt, Status.DOWNLOADED, 0);
        batch(deployed, Anvil.devAccount(2), salt, Status.READ, 0);
        return new GoldenChain(anvil, deployment, mail);
    }

    private void register(DevDeployment deployed, Credentials server, String domain)
        throws Exception {
        next();
        deployed.as(server).registerServer(domain, DevDeployment.publicKey(server)).send();
        next();
        deployed.master().approveServer(server.getAddress()).send();
    }

    private void batch(DevDeployment deployed, Credentials server, byte[] salt, Status status,
                       int... indexes) throws Exception {
        List<EmailRegistrationMaster.Record> records = java.util.Arrays.stream(indexes)
            .mapToObj(i -> new EmailRegistrationMaster.Record(salt, BigInteger.valueOf(i),
                status.value()))
            .toList();
        next();
        deployed.as(server).recordBatch(records).send();
    }

    /** The next block is mined one minute after the previous one. */
    private void next() throws Exception {
        clock += 60;
        new Request<>("evm_setNextBlockTimestamp", List.of(clock), new HttpService(anvil.rpcUrl()),
            Anvil.GenericResponse.class).send();
    }

    @Override
    public void close() {
        anvil.close();
    }
}
