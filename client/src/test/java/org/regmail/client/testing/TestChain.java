package org.regmail.client.testing;

import java.math.BigInteger;
import java.nio.file.Path;

import org.regmail.contracts.Status;
import org.regmail.contracts.generated.EmailRegistrationMaster;
import org.regmail.contracts.testing.RegmailFixture;
import org.regmail.core.evidence.GenuineRegistration;
import org.regmail.core.sending.Deployment;
import org.regmail.core.sending.SentMail;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * A deployed system on a test chain (see {@link RegmailFixture}: admin 0, sender.example 1,
 * recipient.example 2, relay.example 3, owner 4, stranger 5, second.example 6) and its
 * deployment file.
 */
public final class TestChain {
    public final RegmailFixture fixture;
    public final Deployment deployment;

    private TestChain(RegmailFixture fixture, Deployment deployment) {
        this.fixture = fixture;
        this.deployment = deployment;
    }

    public static TestChain deploy(org.web3j.protocol.Web3j web3j, String rpcUrl)
        throws Exception {
        RegmailFixture fixture = RegmailFixture.deploy(web3j);
        EmailRegistrationMaster master = fixture.master;
        Deployment deployment = new Deployment(31337, rpcUrl, master.getContractAddress(),
            master.factory().send(), master.implementation().send(),
            fixture.deployReceipt.getBlockNumber().longValueExact());
        return new TestChain(fixture, deployment);
    }

    /** Writes the deployment file where the client looks by default. */
    public void writeDeployment(Path home) throws Exception {
        deployment.write(home.resolve("deployment.json"));
    }

    /** Records a status for a recipient of a sent mail as {@code server}. */
    public TransactionReceipt record(SentMail mail, int index, Status status, Credentials server)
        throws Exception {
        byte[] salt = GenuineRegistration.registrationSalt(mail.owner(), mail.localIdBytes());
        return fixture.as(server).record(new EmailRegistrationMaster.Record(salt,
            BigInteger.valueOf(index), status.value())).send();
    }
}
