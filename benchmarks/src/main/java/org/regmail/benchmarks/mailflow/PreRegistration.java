package org.regmail.benchmarks.mailflow;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.regmail.contracts.devchain.Anvil;
import org.regmail.core.chain.ChainGateway;
import org.regmail.core.chain.ChainSettings;
import org.regmail.core.sending.CreatedRegistration;
import org.regmail.core.sending.LocalIds;
import org.regmail.core.sending.RegistrationCreator;
import org.regmail.core.sending.RegistrationPlan;
import org.regmail.core.sending.RegistrationTerms;

/**
 * The client's part, done before anything is timed: writes the messages and registers each one
 * on chain with {@link RegistrationCreator}, as the regmail client would, from several owner
 * accounts in parallel (each its own transactions).
 */
final class PreRegistration {
    static final String FROM = "alice@sender.example";
    static final String TO = "bob@recipient.example";
    private static final int FIRST_OWNER_ACCOUNT = 4;
    private static final int OWNERS = 4;

    private PreRegistration() {
    }

    /** One message ready to submit: its Message-ID, registration and bytes (header included). */
    record BenchMessage(String messageId, String registration, byte[] bytes) {
    }

    /** Writes and registers {@code count} messages of about {@code bodyBytes} each. */
    static List<BenchMessage> register(String rpcUrl, String master, String prefix, int count,
                                       int bodyBytes) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(OWNERS);
        try {
            List<Future<List<BenchMessage>>> parts = new ArrayList<>();
            for (int o = 0; o < OWNERS; o++) {
                int owner = o;
                parts.add(pool.submit(() -> registerShare(rpcUrl, master, prefix, count, bodyBytes,
                    owner)));
            }
            List<BenchMessage> all = new ArrayList<>();
            for (Future<List<BenchMessage>> part : parts) {
                all.addAll(part.get());
            }
            return all;
        } finally {
            pool.shutdownNow();
        }
    }

    private static List<BenchMessage> registerShare(String rpcUrl, String master, String prefix,
                                                    int count, int bodyBytes, int owner)
        throws Exception {
        var credentials = Anvil.devAccount(FIRST_OWNER_ACCOUNT + owner);
        ChainSettings settings = new ChainSettings(rpcUrl, Anvil.CHAIN_ID, master,
            ChainSettings.DEFAULT_MAX_FEE_PER_GAS, ChainSettings.DEFAULT_PRIORITY_FEE_PER_GAS,
            Duration.ofMillis(10), 1);
        SecureRandom random = new SecureRandom();
        List<BenchMessage> messages = new ArrayList<>();
        try (ChainGateway gateway = ChainGateway.connect(settings, credentials)) {
            RegistrationCreator creator = new RegistrationCreator(gateway, credentials);
            RegistrationTerms terms = new RegistrationTerms(
                creator.chainTime().plus(Duration.ofDays(1)), BigInteger.valueOf(50_000_000_000L),
                new BigInteger("10000000000000000"));
            for (int i = owner; i < count; i += OWNERS) {
                String messageId = "<" + prefix + "-" + i + "@sender.example>";
                byte[] message = message(messageId, i, bodyBytes);
                RegistrationPlan plan = creator.plan(message, List.of(TO), "sender.example", terms,
                    LocalIds.localId(Instant.now(), i, random), LocalIds.salt(random));
                CreatedRegistration created = creator.create(plan);
                messages.add(new BenchMessage(messageId, plan.registration(),
                    created.messageToSubmit()));
            }
        }
        return messages;
    }

    static byte[] message(String messageId, int number, int bodyBytes) {
        StringBuilder body = new StringBuilder();
        String line = "Line of a registered benchmark letter, number " + number
            + ", plain 7-bit text.\r\n";
        while (body.length() < bodyBytes) {
            body.append(line);
        }
        String text = String.join("\r\n",
            "From: Alice <" + FROM + ">",
            "To: Bob <" + TO + ">",
            "Subject: Benchmark letter " + number,
            "Date: Thu, 03 Dec 2026 10:00:00 +0000",
            "Message-ID: " + messageId,
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=us-ascii",
            "Content-Transfer-Encoding: 7bit",
            "",
            body.toString());
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
