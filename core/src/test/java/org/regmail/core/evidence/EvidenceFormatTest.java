package org.regmail.core.evidence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.regmail.contracts.Status;

class EvidenceFormatTest {
    static final String A = "0x" + "a".repeat(40);
    static final String B = "0x" + "b".repeat(40);
    static final String C = "0x" + "c".repeat(40);
    static final String HASH = "0x" + "1".repeat(64);

    static EvidenceBundle bundle() {
        byte[] word = new byte[32];
        return new EvidenceBundle(31337, A, B, C, A, B, word, C, 1_767_830_400L,
            BigInteger.TEN, BigInteger.valueOf(1000), word, word, word,
            List.of(new EvidenceBundle.Recipient(0, "bob@x.example", word, C),
                new EvidenceBundle.Recipient(1, "carol@y.example", word, C)),
            42, List.of(new TrailEvent(TrailEvent.STATUS_RECORDED, A, 9, HASH, 1_767_225_660L,
                HASH, 3, 1, Status.DELIVERED, C, null, BigInteger.ONE, null)),
            List.of(Instant.ofEpochSecond(1_767_225_660L)), "eml".getBytes());
    }

    @Test
    void shouldReadBackWhatItWrites() throws Exception {
        EvidenceBundle written = bundle();

        EvidenceBundle read = EvidenceBundle.fromJson(written.toJson());

        assertThat(read.toJson()).isEqualTo(written.toJson());
        assertThat(read.events()).containsExactlyElementsOf(written.events());
        assertThat(written.toJson()).contains("\"time\" : \"2026-01-01T00:01:00Z\"");
    }

    @Test
    void shouldWithholdAddressesButKeepCommitments() throws Exception {
        EvidenceBundle redacted = bundle().disclosing(Set.of(1));

        assertThat(redacted.recipients()).extracting(EvidenceBundle.Recipient::address)
            .containsExactly(null, "carol@y.example");
        assertThat(redacted.toJson()).doesNotContain("bob@x.example");
        assertThat(EvidenceBundle.fromJson(redacted.toJson()).recipients().get(0).commitment())
            .hasSize(32);
    }

    @Test
    void shouldNameTheFieldAtFault() {
        String json = bundle().toJson().replace("\"status\" : \"DELIVERED\"",
            "\"status\" : \"LOST\"");

        assertThatThrownBy(() -> EvidenceBundle.fromJson(json))
            .hasMessage("'events[0].status' is no status: LOST");
        assertThatThrownBy(() -> EvidenceBundle.fromJson("[1]"))
            .hasMessage("it is not a JSON object");
        assertThatThrownBy(() -> EvidenceBundle.fromJson(bundle().toJson()
            .replace("\"owner\" : \"" + B + "\"", "\"owner\" : \"0x12\"")))
            .hasMessage("'owner' is not an address");
    }

    @Test
    void shouldReadATimeWithAnOffsetAsTheInstantItDenotes() throws Exception {
        String json = bundle().toJson().replace("\"2026-01-01T00:01:00Z\"",
            "\"2026-01-01T09:01:00+09:00\"");

        assertThat(EvidenceBundle.fromJson(json).times())
            .containsExactly(Instant.parse("2026-01-01T00:01:00Z"));
    }

    @Test
    void shouldRefuseATimeWhenItIsNoTime() {
        String json = bundle().toJson().replace("\"2026-01-01T00:01:00Z\"", "\"garbage\"");

        assertThatThrownBy(() -> EvidenceBundle.fromJson(json))
            .isInstanceOf(EvidenceFormatException.class)
            .hasMessage("'events[0].time' is not an ISO-8601 time: garbage");
    }

    @Test
    void shouldRefuseANumberWhenItIsNegativeButCountsBlocksSecondsOrPositions() {
        String json = bundle().toJson();

        assertThatThrownBy(() -> EvidenceBundle.fromJson(json.replace("\"blockNumber\" : 9",
            "\"blockNumber\" : -9"))).hasMessage("'events[0].blockNumber' is negative: -9");
        assertThatThrownBy(() -> EvidenceBundle.fromJson(json.replace("\"logIndex\" : 3",
            "\"logIndex\" : -1"))).hasMessage("'events[0].logIndex' is negative: -1");
        assertThatThrownBy(() -> EvidenceBundle.fromJson(json.replace(
            "\"timestamp\" : 1767225660", "\"timestamp\" : -1767225660")))
            .hasMessage("'events[0].timestamp' is negative: -1767225660");
        assertThatThrownBy(() -> EvidenceBundle.fromJson(json.replace(
            "\"deadline\" : 1767830400", "\"deadline\" : -5")))
            .hasMessage("'deadline' is negative: -5");
        assertThatThrownBy(() -> EvidenceBundle.fromJson(json.replace("\"chainId\" : 31337",
            "\"chainId\" : -31337"))).hasMessage("'chainId' is negative: -31337");
    }

    @Test
    void shouldRefuseARecipientIndexWhenAnIntWouldWrapIt() {
        String json = bundle().toJson();

        assertThatThrownBy(() -> EvidenceBundle.fromJson(json.replace(
            "\"recipientIndex\" : 1", "\"recipientIndex\" : 4294967297")))
            .hasMessage("'events[0].recipientIndex' is not a recipient index: 4294967297");
        assertThatThrownBy(() -> EvidenceBundle.fromJson(json.replace("\"index\" : 1",
            "\"index\" : 4294967297")))
            .hasMessage("'recipients[1].index' is not a recipient index: 4294967297");
        assertThatThrownBy(() -> EvidenceBundle.fromJson(json.replace("\"index\" : 1",
            "\"index\" : -1")))
            .hasMessage("'recipients[1].index' is negative: -1");
    }

    @Test
    void shouldRefuseAFieldWhenTheFormatDoesNotDefineIt() {
        String json = bundle().toJson();

        assertThatThrownBy(() -> EvidenceBundle.fromJson(json.replace("\"chainId\"",
            "\"note\" : \"certified\", \"chainId\"")))
            .hasMessage("'note' is no field of regmail-evidence version 1: verify could not "
                + "check it");
        assertThatThrownBy(() -> EvidenceBundle.fromJson(json.replace("\"master\"",
            "\"registry\" : 1, \"master\"")))
            .hasMessage("'contracts.registry' is no field of regmail-evidence version 1: verify "
                + "could not check it");
        assertThatThrownBy(() -> EvidenceBundle.fromJson(json.replace("\"commitment\"",
            "\"name\" : \"Bob\", \"commitment\"")))
            .hasMessage("'recipients[0].name' is no field of regmail-evidence version 1: verify "
                + "could not check it");
    }

    @Test
    void shouldReadAWithheldAddressWhenItIsNull() throws Exception {
        String json = bundle().disclosing(Set.of()).toJson().replaceFirst(
            "\"commitment\"", "\"address\" : null, \"commitment\"");

        EvidenceBundle read = EvidenceBundle.fromJson(json);

        assertThat(read.recipients()).extracting(EvidenceBundle.Recipient::address)
            .containsExactly(null, null);
    }

    @Test
    void shouldTellFinalRecipientsFromWaitingOnes() {
        TrailEvent downloaded = new TrailEvent(TrailEvent.STATUS_RECORDED, A, 1, HASH, 10, HASH,
            0, 0, Status.DOWNLOADED, C, null, BigInteger.ZERO, null);
        TrailEvent handedOff = new TrailEvent(TrailEvent.STATUS_RECORDED, A, 1, HASH, 10, HASH,
            1, 0, Status.HANDED_OFF, C, null, BigInteger.ZERO, null);

        assertThat(new RecipientProgress(0, C, List.of(downloaded)).isFinal(100, 100)).isFalse();
        assertThat(new RecipientProgress(0, C, List.of(downloaded)).isFinal(100, 101)).isTrue();
        assertThat(new RecipientProgress(0, "0x" + "0".repeat(40), List.of(handedOff))
            .isFinal(100, 50)).isTrue();
        assertThat(new RecipientProgress(0, C, List.of(handedOff)).isExpirable(100, 101))
            .isTrue();
    }
}
