package org.regmail.core.store;

import static org.assertj.core.api.Assertions.assertThat;

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
}
