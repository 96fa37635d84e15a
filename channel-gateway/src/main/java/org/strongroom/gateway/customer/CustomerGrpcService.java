package org.strongroom.gateway.customer;

import io.grpc.stub.StreamObserver;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.axonframework.queryhandling.QueryGateway;
import org.springframework.stereotype.Service;
import org.strongroom.customer.api.CustomerDetails;
import org.strongroom.customer.api.RegisterCustomerCommand;
import org.strongroom.customer.api.UpdateCustomerContactCommand;
import org.strongroom.gateway.command.CommandDispatcher;
import org.strongroom.gateway.grpc.ErrorStatuses;
import org.strongroom.gateway.grpc.Ids;
import org.strongroom.gateway.idempotency.IdempotentExecutor;
import org.strongroom.gateway.projection.ProjectionReads;
import org.strongroom.gateway.security.ObjectAccess;
import org.strongroom.kernel.DomainException;
import org.strongroom.kernel.ErrorReason;
import org.strongroom.kernel.Violations;
import org.strongroom.projections.api.FindCustomerQuery;
import org.strongroom.projections.api.Projections;
import org.strongroom.proto.customer.v1.CustomerServiceGrpc;
import org.strongroom.proto.customer.v1.GetCustomerRequest;
import org.strongroom.proto.customer.v1.GetCustomerResponse;
import org.strongroom.proto.customer.v1.RegisterCustomerRequest;
import org.strongroom.proto.customer.v1.RegisterCustomerResponse;
import org.strongroom.proto.customer.v1.UpdateCustomerContactRequest;
import org.strongroom.proto.customer.v1.UpdateCustomerContactResponse;

/** strongroom.customer.v1.CustomerService: wire mapping only; rules live in the Customer aggregate. */
@Service
public class CustomerGrpcService extends CustomerServiceGrpc.CustomerServiceImplBase {

    private static final CommandDispatcher.NotFound CUSTOMER_NOT_FOUND = new CommandDispatcher.NotFound(
            ErrorReason.CUSTOMER_NOT_FOUND, "customer_id", "no such customer");

    private final IdempotentExecutor idempotent;
    private final CommandDispatcher commands;
    private final QueryGateway queries;
    private final ProjectionReads reads;
    private final ObjectAccess access;

    public CustomerGrpcService(IdempotentExecutor idempotent, CommandDispatcher commands, QueryGateway queries,
                               ProjectionReads reads, ObjectAccess access) {
        this.access = access;
        this.idempotent = idempotent;
        this.commands = commands;
        this.queries = queries;
        this.reads = reads;
    }

    @Override
    public void registerCustomer(RegisterCustomerRequest request, StreamObserver<RegisterCustomerResponse> response) {
        RegisterCustomerResponse answer = idempotent.execute(CustomerServiceGrpc.getRegisterCustomerMethod()
                        .getFullMethodName(), request, RegisterCustomerResponse.parser(), () -> {
            Violations violations = new Violations();
            var dateOfBirth = CustomerMapper.fromProto(request.hasDateOfBirth(), request.getDateOfBirth(),
                    "date_of_birth", violations);
            violations.throwIfAny();
            String customerId = UUID.randomUUID().toString();
            CustomerDetails details = commands.create(new RegisterCustomerCommand(customerId,
                    request.getFullName(), dateOfBirth,
                    CustomerMapper.fromProto(request.hasIdentityDocument(), request.getIdentityDocument()),
                    request.getEmail(), request.getPhoneNumber(), request.getResidentialCountryCode()),
                    request.getRequestId());
            return RegisterCustomerResponse.newBuilder()
                    .setCustomer(CustomerMapper.toProto(details)).build();
        });
        response.onNext(answer);
        response.onCompleted();
    }

    @Override
    public void getCustomer(GetCustomerRequest request, StreamObserver<GetCustomerResponse> response) {
        String customerId = requireCustomerId(request.getCustomerId());
        reads.requireServing(Projections.CUSTOMER_VIEW);
        Optional<CustomerDetails> customer = queries.query(new FindCustomerQuery(customerId),
                ResponseTypes.optionalInstanceOf(CustomerDetails.class)).join();
        CustomerDetails details = customer.orElseThrow(() -> ObjectAccess.customerNotFound(customerId));
        response.onNext(GetCustomerResponse.newBuilder().setCustomer(CustomerMapper.toProto(details)).build());
        response.onCompleted();
    }

    @Override
    public void updateCustomerContact(UpdateCustomerContactRequest request,
                                      StreamObserver<UpdateCustomerContactResponse> response) {
        String customerId = requireCustomerId(request.getCustomerId());
        UpdateCustomerContactResponse answer = idempotent.execute(CustomerServiceGrpc
                        .getUpdateCustomerContactMethod().getFullMethodName(), request,
                UpdateCustomerContactResponse.parser(), customerId, () -> {
            CustomerDetails details = commands.send(new UpdateCustomerContactCommand(customerId,
                            request.hasEmail() ? request.getEmail() : null,
                            request.hasPhoneNumber() ? request.getPhoneNumber() : null),
                    request.getRequestId(), CUSTOMER_NOT_FOUND);
            return UpdateCustomerContactResponse.newBuilder()
                    .setCustomer(CustomerMapper.toProto(details)).build();
        });
        response.onNext(answer);
        response.onCompleted();
    }

    /** A well-formed customer id the caller may touch (another's id reads as unknown). */
    private String requireCustomerId(String customerId) {
        Ids.require("customer_id", customerId);
        access.requireCustomer(customerId);
        return customerId;
    }
}
