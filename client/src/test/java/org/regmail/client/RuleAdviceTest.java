package org.regmail.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.regmail.contracts.ContractErrors;

class RuleAdviceTest {
    @Test
    void shouldAdviseOnlyOnErrorsTheContractsHave() {
        assertThat(RuleAdvice.rules()).isNotEmpty().allSatisfy(rule ->
            assertThatCode(() -> ContractErrors.selectorOf(rule)).as(rule)
                .doesNotThrowAnyException());
    }

    @Test
    void shouldSayWhatToDoAfterTheBrokenRule() {
        ContractErrors.Revert taken = new ContractErrors.Revert("DomainTaken",
            List.of("mail.example", "0x70997970c51812dc3a010c7d01b50e0d17dc79c8"));

        assertThat(RuleAdvice.explain("the contracts refuse registering mail.example: " + taken,
            Optional.of(taken))).isEqualTo("the contracts refuse registering mail.example: "
                + "DomainTaken(mail.example, 0x70997970c51812dc3a010c7d01b50e0d17dc79c8); another "
                + "server holds that domain in the directory; register another --domain, or ask "
                + "the directory admin");
    }

    @Test
    void shouldLeaveARefusalWithoutAKnownRuleAsItIs() {
        assertThat(RuleAdvice.explain("the node refused transaction 0xab: underpriced",
            Optional.empty())).isEqualTo("the node refused transaction 0xab: underpriced");
        ContractErrors.Revert other = new ContractErrors.Revert("NotMaster", List.of("0x01"));
        assertThat(RuleAdvice.explain("refused: NotMaster(0x01)", Optional.of(other)))
            .isEqualTo("refused: NotMaster(0x01)");
    }
}
