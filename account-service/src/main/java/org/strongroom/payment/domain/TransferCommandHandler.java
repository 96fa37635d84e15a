package org.strongroom.payment.domain;

import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.modelling.command.Repository;
import org.strongroom.payment.api.TransferApi.BookTransferCommand;
import org.strongroom.payment.api.TransferApi.RequestTransferCommand;
import org.strongroom.payment.api.TransferApi.TransferDetails;

/** Records transfer requests through the repository, so the command answers with the pending transfer. */
public class TransferCommandHandler {

    private final Repository<Transfer> repository;

    public TransferCommandHandler(Repository<Transfer> repository) {
        this.repository = repository;
    }

    @CommandHandler
    public TransferDetails handle(RequestTransferCommand command) throws Exception {
        return repository.newInstance(() -> new Transfer(command)).invoke(Transfer::details);
    }

    @CommandHandler
    public TransferDetails handle(BookTransferCommand command) throws Exception {
        return repository.newInstance(() -> new Transfer(command)).invoke(Transfer::details);
    }
}
