package org.strongroom.account.domain;

import java.time.LocalDate;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.messaging.annotation.MetaDataValue;
import org.axonframework.modelling.command.Repository;
import org.strongroom.account.api.AccountCommands.OpenAccountCommand;
import org.strongroom.account.api.AccountDetails;
import org.strongroom.kernel.MetadataKeys;

/** Opens accounts through the repository, so the command answers with the opened account. */
public class AccountCommandHandler {

    private final Repository<Account> repository;

    public AccountCommandHandler(Repository<Account> repository) {
        this.repository = repository;
    }

    @CommandHandler
    public AccountDetails handle(OpenAccountCommand command,
                                 @MetaDataValue(MetadataKeys.BUSINESS_DATE) String businessDate) throws Exception {
        if (businessDate == null) {
            throw new IllegalStateException("command metadata lacks " + MetadataKeys.BUSINESS_DATE);
        }
        LocalDate date = LocalDate.parse(businessDate);
        return repository.newInstance(() -> new Account(command, date)).invoke(Account::details);
    }
}
