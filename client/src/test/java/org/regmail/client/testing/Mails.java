package org.regmail.client.testing;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.regmail.contracts.devchain.Anvil;
import org.regmail.core.chain.ChainGateway;
import org.regmail.core.chain.ChainSettings;
import org.regmail.core.sending.CreatedRegistration;
import org.regmail.core.sending.Deployment;
import org.regmail.core.sending.RegistrationCreator;
import org.regmail.core.sending.RegistrationPlan;
import org.regmail.core.sending.RegistrationTerms;
import org.regmail.core.sending.SentMail;
import org.regmail.core.sending.SentMailStore;
import org.web3j.crypto.Credentials;

/** Registered mail created through the core sending API, as the client records it. */
public final class Mails {
    public static final String MESSAGE = String.join("\r\n",
        "From: Alice <alice@sender.example>",
        "To: Bob <bob@recipient.example>, carol@second.example",
        "Subject: The contract",
        "Date: Thu, 01 Jan 2026 00:00:00 +0000",
        "Message-ID: <contract-1@sender.example>",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=us-ascii",
        "",
        "Please find the terms below.",
        "");
    /** bob (recipient.example), carol (second.example), dave (no server). */
    public static final List<String> RECIPIENTS =
        List.of("bob@recipient.example", "carol@second.example", "dave@plain.example");
    public static final List<SentMail.Kind> KINDS =
        List.of(SentMail.Kind.TO, SentMail.Kind.CC, SentMail.Kind.BCC);

    private Mails() {
    }

    /**
     * Creates a registration owned by dev account 4 and records it under {@code home}, as
     * {@code regmail send} does (state CREATED: nothing is submitted).
     */
    public static SentMail create(Deployment deployment, Path home, byte[] localId, byte[] salt,
                                  Duration timeout) throws Exception {
        Credentials owner = Anvil.devAccount(4);
        try (ChainGateway gateway = ChainGateway.connect(ChainSettings.of(deployment.rpcUrl(),
                deployment.chainId(), deployment.master()), owner)) {
            RegistrationCreator creator = new RegistrationCreator(gateway, owner);
            RegistrationPlan plan = creator.plan(MESSAGE.getBytes(US_ASCII), RECIPIENTS,
                "sender.example", RegistrationTerms.of(timeout, creator.chainTime(),
                    BigInteger.valueOf(50_000_000_000L), new BigInteger("10000000000000000")),
                localId, salt);
            SentMailStore store = new SentMailStore(home);
            SentMail prepared = SentMail.prepared(plan, KINDS, "<contract-1@sender.example>",
                "The contract");
            store.saveMessage(plan.registration(), plan.message());
            CreatedRegistration created = creator.create(plan);
            SentMail mail = prepared.created(created);
            store.save(mail);
            return mail;
        }
    }

    public static byte[] bytes32(int seed) {
        byte[] value = new byte[32];
        for (int i = 0; i < 32; i++) {
            value[i] = (byte) (seed * 31 + i);
        }
        return value;
    }
}
