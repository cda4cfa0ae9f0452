package org.regmail.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.time.Duration;

import org.junit.jupiter.api.Test;

class UnitsTest {
    @Test
    void shouldReadAmountsInTheirUnits() {
        assertThat(Amounts.parse("0.01", "ether", "--escrow"))
            .isEqualTo(new BigInteger("10000000000000000"));
        assertThat(Amounts.parse("2.5gwei", "ether", "--fee-cap"))
            .isEqualTo(BigInteger.valueOf(2_500_000_000L));
        assertThat(Amounts.parse("7 wei", "gwei", "--fee-cap")).isEqualTo(BigInteger.valueOf(7));
        assertThat(Amounts.ether(new BigInteger("1230000000000000"))).isEqualTo("0.00123 ETH");
        assertThat(Amounts.gwei(BigInteger.valueOf(2_000_000_000L))).isEqualTo("2 gwei");
    }

    @Test
    void shouldRefuseWhatIsNoAmount() {
        assertThatThrownBy(() -> Amounts.parse("lots", "ether", "--escrow"))
            .hasMessage("--escrow 'lots' is not an amount; write e.g. 0.01ether, 50gwei or "
                + "1000wei");
        assertThatThrownBy(() -> Amounts.parse("0.5wei", "ether", "--escrow"))
            .hasMessage("--escrow '0.5wei' has a fraction of a wei");
    }

    @Test
    void shouldReadDurations() {
        assertThat(Durations.parse("10d", "--timeout")).isEqualTo(Duration.ofDays(10));
        assertThat(Durations.parse("2d12h", "--timeout")).isEqualTo(Duration.ofHours(60));
        assertThat(Durations.describe(Duration.ofSeconds(90))).isEqualTo("1m 30s");
        assertThatThrownBy(() -> Durations.parse("ten days", "--timeout"))
            .hasMessage("--timeout 'ten days' is not a duration; write e.g. 7d, 36h, 90m or 45s");
    }

    @Test
    void shouldCountInTheSingularAndThePlural() {
        assertThat(TrailText.count(1, "recipient")).isEqualTo("1 recipient");
        assertThat(TrailText.count(3, "recipient")).isEqualTo("3 recipients");
    }

    @Test
    void shouldCountInTheSingularForOne() {
        assertThat(TrailText.count(1, "record")).isEqualTo("1 record");
        assertThat(TrailText.count(3, "record")).isEqualTo("3 records");
        assertThat(TrailText.count(1, "address", "addresses")).isEqualTo("1 address");
        assertThat(TrailText.count(0, "address", "addresses")).isEqualTo("0 addresses");
    }
}
