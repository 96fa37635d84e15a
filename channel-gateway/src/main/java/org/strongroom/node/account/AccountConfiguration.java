package org.strongroom.node.account;

import org.axonframework.modelling.command.Repository;
import org.strongroom.approval.domain.Approval;
import org.strongroom.approval.domain.ApprovalCommandHandler;
import org.strongroom.teller.domain.Till;
import org.strongroom.teller.domain.TillCommandHandler;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.strongroom.account.domain.Account;
import org.strongroom.account.domain.AccountCommandHandler;

/** Wires the account domain (accounts, tellers' tills, maker-checker approvals) into the node. */
@Configuration(proxyBeanMethods = false)
public class AccountConfiguration {

    @Bean
    AccountCommandHandler accountCommandHandler(Repository<Account> accountRepository) {
        return new AccountCommandHandler(accountRepository);
    }

    @Bean
    TillCommandHandler tillCommandHandler(Repository<Till> tillRepository) {
        return new TillCommandHandler(tillRepository);
    }

    @Bean
    ApprovalCommandHandler approvalCommandHandler(Repository<Approval> approvalRepository) {
        return new ApprovalCommandHandler(approvalRepository);
    }
}
