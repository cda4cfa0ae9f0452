package org.regmail.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.regmail.contracts.Status;

class H2ServerStoreTest {
    @TempDir
    Path dir;

    private static RecordRequest request(int index) {
        byte[] salt = new byte[32];
        salt[0] = (byte) index;
        return new RecordRequest("0x00000000000000000000000000000000000000aa", salt, index,
            Status.SUBMITTED, null);
    }

    @Test
    void shouldConfirmManySentRecordsWithTheirOwnOutcomesInOneCall() {
        try (H2ServerStore store = H2ServerStore.open(dir.resolve("store"))) {
            for (int i = 0; i < 3; i++) {
                store.enqueue(request(i));
            }
            List<OutboxEntry> sent = store.duePending(10, Instant.now());
            store.markSent(sent.stream().map(OutboxEntry::id).toList(),
                new SentTransaction("0x01", BigInteger.ONE, "0x00", Instant.now()));

            Map<Long, String> outcomes = new LinkedHashMap<>();
            outcomes.put(sent.get(0).id(), "reimbursed 5 wei");
            outcomes.put(sent.get(1).id(), "already on chain");
            store.markConfirmed(outcomes);
            store.markConfirmed(Map.of());

            OutboxEntry first = store.entry(request(0).key()).orElseThrow();
            OutboxEntry second = store.entry(request(1).key()).orElseThrow();
            OutboxEntry third = store.entry(request(2).key()).orElseThrow();
            assertThat(first.state()).isEqualTo(OutboxEntry.State.CONFIRMED);
            assertThat(first.outcome()).isEqualTo("reimbursed 5 wei");
            assertThat(second.state()).isEqualTo(OutboxEntry.State.CONFIRMED);
            assertThat(second.outcome()).isEqualTo("already on chain");
            assertThat(third.state()).isEqualTo(OutboxEntry.State.SENT);
            assertThat(store.entriesOf("0x01")).extracting(OutboxEntry::id)
                .containsExactly(third.id());
        }
    }

    private static Disposition disposition(String key, int index) {
        byte[] salt = new byte[32];
        salt[0] = (byte) index;
        return new Disposition(key, "bob@recipient.example",
            "0x00000000000000000000000000000000000000aa", salt, index, null, 1_800_000_000L);
    }

    @Test
    void shouldQueueAMailsRecordsAndRememberItsMessagesInOneTransaction() {
        try (H2ServerStore store = H2ServerStore.open(dir.resolve("store"))) {
            store.enqueue(request(0));
            long before = store.transactions();

            List<RecordRequest> queued = store.enqueue(List.of(request(0), request(1),
                request(2)), List.of(disposition("bob/1", 1), disposition("carol/2", 2)));

            assertThat(store.transactions() - before).isEqualTo(1);
            assertThat(queued).extracting(RecordRequest::key)
                .as("the record queued before is not queued again")
                .containsExactly(request(1).key(), request(2).key());
            assertThat(store.countByState().get(OutboxEntry.State.PENDING)).isEqualTo(3);
            assertThat(store.disposition("bob/1").orElseThrow().recipientIndex()).isEqualTo(1);
            assertThat(store.disposition("carol/2").orElseThrow().recipientIndex()).isEqualTo(2);
        }
    }

    @Test
    void shouldKeepNoneOfAMailsWritesWhenOneFails() {
        try (H2ServerStore store = H2ServerStore.open(dir.resolve("store"))) {
            String tooLong = "k".repeat(401); // message_key is VARCHAR(400)

            assertThatThrownBy(() -> store.enqueue(List.of(request(1), request(2)),
                List.of(disposition("bob/1", 1), disposition(tooLong, 2))))
                .isInstanceOf(StoreException.class);

            assertThat(store.entry(request(1).key())).isEmpty();
            assertThat(store.entry(request(2).key())).isEmpty();
            assertThat(store.disposition("bob/1")).isEmpty();
        }
    }

    @Test
    void shouldAnswerEscrowExhaustedWithoutATransactionAndRememberItAfterReopening() {
        String registration = "0x00000000000000000000000000000000000000AA";
        try (H2ServerStore store = H2ServerStore.open(dir.resolve("store"))) {
            store.markEscrowExhausted(registration, 1);
            long before = store.transactions();

            assertThat(store.isEscrowExhausted(registration.toLowerCase(), 1)).isTrue();
            assertThat(store.isEscrowExhausted(registration, 0)).isFalse();
            assertThat(store.transactions()).isEqualTo(before);
        }
        try (H2ServerStore reopened = H2ServerStore.open(dir.resolve("store"))) {
            assertThat(reopened.isEscrowExhausted(registration, 1)).isTrue();
            assertThat(reopened.isEscrowExhausted(registration, 0)).isFalse();
        }
    }

    @Test
    void shouldRekeyARememberedMessageInOneTransaction() {
        try (H2ServerStore store = H2ServerStore.open(dir.resolve("store"))) {
            store.remember(disposition("pending:bob/<m1>", 0));
            store.remember(disposition("bob/7", 1)); // an older message under the new key
            long before = store.transactions();

            assertThat(store.rekey("pending:bob/<m1>", "bob/7")).isTrue();
            assertThat(store.rekey("pending:bob/<unknown>", "bob/8")).isFalse();

            assertThat(store.transactions() - before).isEqualTo(2);
            assertThat(store.disposition("pending:bob/<m1>")).isEmpty();
            assertThat(store.disposition("bob/7").orElseThrow().recipientIndex()).isZero();
            assertThat(store.disposition("bob/8")).isEmpty();
        }
    }
}
