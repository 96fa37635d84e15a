package org.strongroom.approval.domain;

import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.deadline.DeadlineManager;
import org.axonframework.modelling.command.Repository;
import org.strongroom.approval.api.ApprovalApi.ApprovalDetails;
import org.strongroom.approval.api.ApprovalApi.RequestApprovalCommand;

/** Creates approvals through the repository, so the command answers with the pending request. */
public class ApprovalCommandHandler {

    private final Repository<Approval> repository;

    public ApprovalCommandHandler(Repository<Approval> repository) {
        this.repository = repository;
    }

    /** The deadline manager is resolved as a handler parameter, like the aggregate's own handlers. */
    @CommandHandler
    public ApprovalDetails handle(RequestApprovalCommand command, DeadlineManager deadlines) throws Exception {
        return repository.newInstance(() -> new Approval(command, deadlines)).invoke(Approval::details);
    }
}
