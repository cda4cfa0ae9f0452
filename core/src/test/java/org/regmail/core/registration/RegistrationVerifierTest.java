package org.regmail.core.registration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.regmail.contracts.devchain.Anvil;
import org.regmail.contracts.devchain.DevDeployment;
import org.regmail.contracts.testing.AnvilExtension;
import org.regmail.core.chain.ChainGateway;
import org.regmail.core.chain.ChainSettings;
import org.regmail.core.envelope.RegisteredMailHeader;
import org.regmail.core.envelope.RegistrationEnvelope;
import org.web3j.crypto.Credentials;

class RegistrationVerifierTest {
    @RegisterExtension
    static final AnvilExtension CHAIN = AnvilExtension.shared();

    static final Credentials ADMIN = Anvil.devAccount(0);
    static final Credentials SENDER_SERVER = Anvil.devAccount(1);
    static final Credentials RECIPIENT_SERVER = Anvil.devAccount(2);
    static final Credentials OWNER = Anvil.devAccount(4);
    static final Credentials MALLORY = Anvil.devAccount(5);
    static final List<String> RECIPIENTS = List.of("bob@recipient.example", "carol@second.example");

    static DevDeployment deployment;
    static ChainGateway gateway;
    static RegistrationVerifier senderSide;
    static long deadline;

    @BeforeAll
    static void deploy() throws Exception {
        deployment = DevDeployment.deploy(CHAIN.web3j(), ADMIN);
        deployment.registerAndApprove(SENDER_SERVER, "sender.example");
        deployment.registerAndApprove(RECIPIENT_SERVER, "recipient.example");
        gateway = ChainGateway.connect(ChainSettings.of(CHAIN.rpcUrl(), Anvil.CHAIN_ID,
            deployment.master().getContractAddress()), SENDER_SERVER);
        senderSide = new RegistrationVerifier(new RegistrationLookup(gateway),
            SENDER_SERVER.getEcKeyPair(), Anvil.CHAIN_ID);
        deadline = CHAIN.anvil().latestTimestamp() + 86_400;
    }

    @AfterAll
    static void close() {
        gateway.close();
    }

    static TestRegistrations.Created create(byte[] message) throws Exception {
        return TestRegistrations.create(deployment, OWNER, SENDER_SERVER, RECIPIENTS,
            List.of(RECIPIENT_SERVER.getAddress(), "0x0000000000000000000000000000000000000000"),
            message, deadline);
    }

    @Test
    void shouldVerifyGenuineMailAndMatchItsRecipients() throws Exception {
        TestRegistrations.Created created = create(TestRegistrations.message());

        VerifiedMail verified = senderSide.verify(created.sealFor(SENDER_SERVER),
            TestRegistrations.message(), List.of("Bob@Recipient.Example", "carol@second.example",
                "dave@elsewhere.example"));

        assertThat(verified.registration()).isEqualTo(created.registration());
        assertThat(verified.owner()).isEqualTo(OWNER.getAddress());
        assertThat(verified.contentIntact()).isTrue();
        assertThat(verified.registrationSalt()).isEqualTo(created.registrationSalt());
        assertThat(verified.recipientIndexes())
            .containsExactly(java.util.Map.entry("bob@recipient.example", 0),
                java.util.Map.entry("carol@second.example", 1));
        assertThat(verified.info().deadline()).isEqualTo(deadline);
    }

    @Test
    void shouldVerifyAnEnvelopeOpenedBeforeAsItVerifiesTheHeader() throws Exception {
        TestRegistrations.Created created = create(TestRegistrations.message());
        String header = created.sealFor(SENDER_SERVER);
        byte[] contentHash = org.regmail.core.commitment.ContentCommitment.contentHash(
            TestRegistrations.message());

        RegistrationEnvelope opened = senderSide.open(header);
        VerifiedMail verified = senderSide.verifyOpened(opened, contentHash, RECIPIENTS);

        assertThat(opened).isEqualTo(created.envelope());
        assertThat(verified.registration()).isEqualTo(created.registration());
        assertThat(verified.contentIntact()).isTrue();
        assertThat(verified.recipientIndexes()).isEqualTo(
            senderSide.verifyHashed(header, contentHash, RECIPIENTS).recipientIndexes());
    }

    @Test
    void shouldReportAlteredContentWithoutRefusing() throws Exception {
        TestRegistrations.Created created = create(TestRegistrations.message());
        byte[] altered = TestRegistrations.MESSAGE.replace("terms below", "new terms below")
            .getBytes(StandardCharsets.US_ASCII);

        VerifiedMail verified =
            senderSide.verify(created.sealFor(SENDER_SERVER), altered, RECIPIENTS);

        assertThat(verified.contentIntact()).isFalse();
    }

    @Test
    void shouldRefuseEnvelopeSealedToAnotherServer() throws Exception {
        TestRegistrations.Created created = create(TestRegistrations.message());

        RegistrationRefused refused = catchThrowableOfType(RegistrationRefused.class,
            () -> senderSide.verify(created.sealFor(RECIPIENT_SERVER), TestRegistrations.message(),
                RECIPIENTS));

        assertThat(refused.reason()).isEqualTo(RegistrationRefused.Reason.NOT_FOR_THIS_SERVER);
        assertThat(refused.getMessage()).contains("WRONG_KEY");
    }

    @Test
    void shouldRefuseRegistrationNotCreatedByMaster() throws Exception {
        TestRegistrations.Created created = create(TestRegistrations.message());
        RegistrationEnvelope invented = RegistrationEnvelope.sign(Anvil.CHAIN_ID,
            "0x00000000000000000000000000000000deadbeef", created.localId(), created.salt(),
            List.of(0), new byte[32], OWNER.getEcKeyPair());

        RegistrationRefused refused = catchThrowableOfType(RegistrationRefused.class,
            () -> senderSide.verify(RegisteredMailHeader.seal(invented,
                DevDeployment.publicKey(SENDER_SERVER)), TestRegistrations.message(), RECIPIENTS));

        assertThat(refused.reason()).isEqualTo(RegistrationRefused.Reason.UNKNOWN_REGISTRATION);
    }

    @Test
    void shouldRefuseEnvelopeNotSignedByOwner() throws Exception {
        TestRegistrations.Created created = create(TestRegistrations.message());
        RegistrationEnvelope e = created.envelope();
        RegistrationEnvelope forged = RegistrationEnvelope.sign(e.chainId(), e.registration(),
            e.localId(), e.salt(), e.recipientIndexes(), new byte[32], MALLORY.getEcKeyPair());

        RegistrationRefused refused = catchThrowableOfType(RegistrationRefused.class,
            () -> senderSide.verify(RegisteredMailHeader.seal(forged,
                DevDeployment.publicKey(SENDER_SERVER)), TestRegistrations.message(), RECIPIENTS));

        assertThat(refused.reason()).isEqualTo(RegistrationRefused.Reason.FORGED_ENVELOPE);
    }

    @Test
    void shouldRefuseEnvelopeForAnotherChain() throws Exception {
        TestRegistrations.Created created = create(TestRegistrations.message());
        RegistrationEnvelope e = created.envelope();
        RegistrationEnvelope otherChain = new RegistrationEnvelope(e.version(), 1, e.registration(),
            e.localId(), e.salt(), e.recipientIndexes(), e.ownerSignature());

        RegistrationRefused refused = catchThrowableOfType(RegistrationRefused.class,
            () -> senderSide.verify(RegisteredMailHeader.seal(otherChain,
                DevDeployment.publicKey(SENDER_SERVER)), TestRegistrations.message(), RECIPIENTS));

        assertThat(refused.getMessage()).contains("WRONG_CHAIN");
    }

    @Test
    void shouldRefuseMailWhoseRecipientsAreNotRegistered() throws Exception {
        TestRegistrations.Created created = create(TestRegistrations.message());

        RegistrationRefused refused = catchThrowableOfType(RegistrationRefused.class,
            () -> senderSide.verify(created.sealFor(SENDER_SERVER), TestRegistrations.message(),
                List.of("mallory@recipient.example")));

        assertThat(refused.reason()).isEqualTo(RegistrationRefused.Reason.NO_MATCHING_RECIPIENT);
    }

    @Test
    void shouldMatchOnlyRecipientsTheEnvelopeNames() throws Exception {
        TestRegistrations.Created created = create(TestRegistrations.message());
        String onlyCarol = RegisteredMailHeader.seal(created.envelope().forRecipients(List.of(1)),
            DevDeployment.publicKey(SENDER_SERVER));

        VerifiedMail verified =
            senderSide.verify(onlyCarol, TestRegistrations.message(), RECIPIENTS);

        assertThat(verified.recipientIndexes()).containsOnlyKeys("carol@second.example");
    }
}
