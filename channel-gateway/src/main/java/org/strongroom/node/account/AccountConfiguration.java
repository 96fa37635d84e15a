package org.strongroom.node.account;

import org.axonframework.modelling.command.Repository;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.strongroom.account.domain.Account;
import org.strongroom.account.domain.AccountCommandHandler;

/** Wires the account domain into the node. */
@Configuration(proxyBeanMethods = false)
public class AccountConfiguration {

    @Bean
    AccountCommandHandler accountCommandHandler(Repository<Account> accountRepository) {
        return new AccountCommandHandler(accountRepository);
    }
}
