package org.regmail.core.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.regmail.contracts.testing.AnvilExtension;
import org.regmail.contracts.testing.RegmailFixture;
import org.regmail.core.chain.ChainGateway;
import org.regmail.core.chain.ChainSettings;
import org.regmail.core.sending.CreatedRegistration;
import org.regmail.core.sending.RegistrationCreator;
import org.regmail.core.sending.RegistrationPlan;
import org.regmail.core.sending.RegistrationTerms;
import org.web3j.protocol.core.DefaultBlockParameterName;

/** CREATE2 prediction, clone code and the trail reader against a real chain. */
class GenuineRegistrationTest {
    @RegisterExtension
    static final AnvilExtension CHAIN = AnvilExtension.isolatingEachTest();
    static RegmailFixture fixture;

    static final byte[] MESSAGE = String.join("\r\n", "From: a@sender.example",
        "To: bob@recipient.example", "Date: Thu, 01 Jan 2026 00:00:00 +0000",
        "Message-ID: <1@sender.example>", "Subject: s", "", "body", "").getBytes();

    @BeforeAll
    static void deploy() throws Exception {
        fixture = RegmailFixture.deploy(CHAIN.web3j());
    }

    @Test
    void shouldPredictTheMastersAddressAndFindTheCloneCode() throws Exception {
        byte[] localId = RegmailFixture.randomBytes32();
        String factory = fixture.master.factory().send();
        String implementation = fixture.master.implementation().send();

        String predicted = GenuineRegistration.predict(factory, implementation,
            fixture.owner.getAddress(), localId);

        assertThat(predicted).isEqualTo(fixture.master.registrationAddress(
            fixture.owner.getAddress(), localId).send().toLowerCase());
        assertThat(GenuineRegistration.registrationSalt(fixture.owner.getAddress(), localId))
            .isEqualTo(fixture.master.registrationSalt(fixture.owner.getAddress(), localId)
                .send());

        CreatedRegistration created = create(localId);
        assertThat(created.plan().registration()).isEqualTo(predicted);
        assertThat(CHAIN.web3j().ethGetCode(predicted, DefaultBlockParameterName.LATEST).send()
            .getCode()).isEqualTo(GenuineRegistration.runtimeCode(implementation));
    }

    @Test
    void shouldReadTheTrailOfARegistrationFromAnyNode() throws Exception {
        CreatedRegistration created = create(RegmailFixture.randomBytes32());

        RegistrationTrail trail = new TrailReader(CHAIN.web3j(), CHAIN.rpcUrl())
            .read(fixture.master.getContractAddress(), created.plan().registration(), 0)
            .orElseThrow();

        assertThat(trail.facts().owner()).isEqualTo(fixture.owner.getAddress().toLowerCase());
        assertThat(trail.facts().recipientCommitments().get(0))
            .isEqualTo(created.plan().recipients().get(0).commitment());
        assertThat(trail.events()).extracting(TrailEvent::event)
            .containsExactly(TrailEvent.REGISTRATION_CREATED);
        assertThat(trail.events().get(0).transactionHash()).isEqualTo(created.transactionHash());
        assertThat(new TrailReader(CHAIN.web3j(), CHAIN.rpcUrl()).read(
            fixture.master.getContractAddress(), "0x" + "1".repeat(40), 0)).isEmpty();
    }

    private CreatedRegistration create(byte[] localId) throws Exception {
        try (ChainGateway gateway = ChainGateway.connect(ChainSettings.of(CHAIN.rpcUrl(), 31337,
                fixture.master.getContractAddress()), fixture.owner)) {
            RegistrationCreator creator = new RegistrationCreator(gateway, fixture.owner);
            RegistrationPlan plan = creator.plan(MESSAGE, List.of("Bob@Recipient.example"),
                "sender.example", RegistrationTerms.of(Duration.ofDays(1), creator.chainTime(),
                    BigInteger.ONE, BigInteger.ZERO), localId, RegmailFixture.randomBytes32());
            assertThat(plan.recipients().get(0).address()).isEqualTo("bob@recipient.example");
            assertThat(plan.recipients().get(0).server())
                .isEqualTo(fixture.recipientServer.getAddress().toLowerCase());
            return creator.create(plan);
        }
    }
}
