package org.strongroom.node.axon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.axonframework.modelling.command.TargetAggregateVersion;
import org.axonframework.modelling.command.VersionedAggregateIdentifier;
import org.junit.jupiter.api.Test;
import org.strongroom.account.api.AccountCommands.CreditTransferCommand;

/** Commands reach the aggregate they name, with the version they expect, or are refused. */
class CommandTargetsTest {

    private final CommandTargets targets = new CommandTargets();

    record Versioned(@TargetAggregateIdentifier String accountId, @TargetAggregateVersion Long version) {
    }

    record Unnamed(String accountId) {
    }

    static class ByMethod {
        @TargetAggregateIdentifier
        String target() {
            return "acc-7";
        }
    }

    private VersionedAggregateIdentifier resolve(Object command) {
        return targets.resolveTarget(GenericCommandMessage.asCommandMessage(command));
    }

    @Test
    void aCommandOfTheBankIsRoutedToTheAccountItNames() {
        VersionedAggregateIdentifier target = resolve(new CreditTransferCommand("acc-1", "t-1", "acc-2", null));
        assertThat(target.getIdentifier()).isEqualTo("acc-1");
        assertThat(target.getVersion()).isNull();
        // looked up once per class: the second command of the class resolves the same way
        assertThat(resolve(new CreditTransferCommand("acc-3", "t-2", "acc-2", null)).getIdentifier())
                .isEqualTo("acc-3");
    }

    @Test
    void theExpectedVersionAndMethodsAreRead() {
        VersionedAggregateIdentifier target = resolve(new Versioned("acc-5", 12L));
        assertThat(target.getIdentifier()).isEqualTo("acc-5");
        assertThat(target.getVersion()).isEqualTo(12L);
        assertThat(resolve(new ByMethod()).getIdentifier()).isEqualTo("acc-7");
    }

    @Test
    void aCommandNamingNoAggregateIsRefused() {
        assertThatThrownBy(() -> resolve(new Unnamed("acc-1"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> resolve(new Versioned(null, 1L))).isInstanceOf(IllegalArgumentException.class);
    }
}
