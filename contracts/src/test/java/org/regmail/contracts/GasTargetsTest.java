package org.regmail.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.regmail.contracts.bench.GasReport;
import org.regmail.contracts.testing.AnvilExtension;

/** Gas is deterministic, so the report's targets can be held by a test (no timing involved). */
class GasTargetsTest {
    @RegisterExtension
    static final AnvilExtension CHAIN = AnvilExtension.shared();

    @Test
    void shouldMeetEveryGasTarget() throws Exception {
        List<GasReport.Row> rows = new GasReport(CHAIN.web3j()).measure();
        GasReport.print(rows, System.out);

        Map<String, GasReport.Row> byStep = rows.stream()
            .collect(Collectors.toMap(GasReport.Row::step, Function.identity(), (a, b) -> a));
        assertThat(byStep.get("create, 1 recipient").gas()).isLessThanOrEqualTo(160_000);
        assertThat(byStep.get("each extra recipient (from 1 to 10)").gas())
            .isLessThanOrEqualTo(30_000);
        assertThat(byStep.get("one event in its own transaction (SUBMITTED)").gas())
            .isLessThanOrEqualTo(60_000);
        assertThat(byStep.get("batched, per event").gas()).isLessThanOrEqualTo(20_000);
        assertThat(rows).allMatch(GasReport.Row::withinTarget);
    }
}
