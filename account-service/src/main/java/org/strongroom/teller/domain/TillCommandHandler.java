package org.strongroom.teller.domain;

import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.modelling.command.Repository;
import org.strongroom.teller.api.TillApi.OpenTillCommand;
import org.strongroom.teller.api.TillApi.TillDetails;

/** Opens tills through the repository, so the command answers with the opened till. */
public class TillCommandHandler {

    private final Repository<Till> repository;

    public TillCommandHandler(Repository<Till> repository) {
        this.repository = repository;
    }

    @CommandHandler
    public TillDetails handle(OpenTillCommand command) throws Exception {
        return repository.newInstance(() -> new Till(command)).invoke(Till::details);
    }
}
