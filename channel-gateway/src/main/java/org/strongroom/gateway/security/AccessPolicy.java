package org.strongroom.gateway.security;

import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.strongroom.kernel.Role;
import org.strongroom.proto.account.v1.AccountServiceGrpc;
import org.strongroom.proto.admin.v1.ProjectionAdminServiceGrpc;
import org.strongroom.proto.audit.v1.AuditServiceGrpc;
import org.strongroom.proto.customer.v1.CustomerServiceGrpc;

/**
 * Which roles may call which RPC: one table for every Strongroom method (a method missing here is
 * refused, and a test fails the build when a new RPC has no rule). Operators run projections but never
 * move money or read personal data; auditors only read. Object-level checks (whose account) are the
 * services' job and come with the channels and security work.
 */
public final class AccessPolicy {

    private static final Set<Role> CUSTOMER_FACING = EnumSet.of(Role.CUSTOMER, Role.TELLER, Role.SUPERVISOR,
            Role.AGENT, Role.PARTNER, Role.SYSTEM);
    private static final Set<Role> READERS_OF_PERSONAL_DATA = EnumSet.of(Role.CUSTOMER, Role.TELLER,
            Role.SUPERVISOR, Role.AGENT, Role.PARTNER, Role.AUDITOR, Role.SYSTEM);
    private static final Set<Role> ONBOARDING = EnumSet.of(Role.CUSTOMER, Role.TELLER, Role.SUPERVISOR, Role.AGENT,
            Role.SYSTEM);

    private static final Map<String, Set<Role>> RULES = Map.ofEntries(
            rule(CustomerServiceGrpc.getRegisterCustomerMethod().getFullMethodName(), ONBOARDING),
            rule(CustomerServiceGrpc.getGetCustomerMethod().getFullMethodName(), READERS_OF_PERSONAL_DATA),
            rule(CustomerServiceGrpc.getUpdateCustomerContactMethod().getFullMethodName(), ONBOARDING),
            rule(AccountServiceGrpc.getOpenAccountMethod().getFullMethodName(), ONBOARDING),
            rule(AccountServiceGrpc.getGetAccountMethod().getFullMethodName(), READERS_OF_PERSONAL_DATA),
            rule(AccountServiceGrpc.getListAccountsMethod().getFullMethodName(), READERS_OF_PERSONAL_DATA),
            rule(AccountServiceGrpc.getListTransactionsMethod().getFullMethodName(), READERS_OF_PERSONAL_DATA),
            rule(AccountServiceGrpc.getDepositFundsMethod().getFullMethodName(), CUSTOMER_FACING),
            rule(AccountServiceGrpc.getWithdrawFundsMethod().getFullMethodName(), CUSTOMER_FACING),
            rule(AccountServiceGrpc.getPlaceHoldMethod().getFullMethodName(), CUSTOMER_FACING),
            rule(AccountServiceGrpc.getReleaseHoldMethod().getFullMethodName(), CUSTOMER_FACING),
            rule(AccountServiceGrpc.getFreezeAccountMethod().getFullMethodName(), ONBOARDING),
            rule(AccountServiceGrpc.getUnfreezeAccountMethod().getFullMethodName(), ONBOARDING),
            rule(AccountServiceGrpc.getCloseAccountMethod().getFullMethodName(), ONBOARDING),
            rule(ProjectionAdminServiceGrpc.getListProjectionsMethod().getFullMethodName(),
                    EnumSet.of(Role.OPERATOR, Role.AUDITOR, Role.SYSTEM)),
            rule(ProjectionAdminServiceGrpc.getRebuildProjectionMethod().getFullMethodName(),
                    EnumSet.of(Role.OPERATOR, Role.SYSTEM)),
            rule(AuditServiceGrpc.getListActivitiesMethod().getFullMethodName(), EnumSet.of(Role.AUDITOR, Role.SYSTEM)),
            rule(AuditServiceGrpc.getListAccessLogEntriesMethod().getFullMethodName(),
                    EnumSet.of(Role.AUDITOR, Role.SYSTEM)));

    private AccessPolicy() {
    }

    private static Map.Entry<String, Set<Role>> rule(String method, Set<Role> roles) {
        return Map.entry(method, Set.copyOf(roles));
    }

    /** The roles allowed to call the method, or empty if the method has no rule. */
    public static Optional<Set<Role>> rolesFor(String fullMethodName) {
        return Optional.ofNullable(RULES.get(fullMethodName));
    }

    public static boolean permits(String fullMethodName, Role role) {
        return rolesFor(fullMethodName).map(roles -> roles.contains(role)).orElse(false);
    }
}
