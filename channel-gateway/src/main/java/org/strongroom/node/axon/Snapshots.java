package org.strongroom.node.axon;

import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import java.util.List;
import org.axonframework.eventsourcing.snapshotting.RevisionSnapshotFilter;
import org.axonframework.eventsourcing.snapshotting.SnapshotFilter;
import org.axonframework.serialization.Revision;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.jackson3.Jackson3Serializer;
import org.strongroom.account.domain.Account;
import org.strongroom.approval.domain.Approval;
import org.strongroom.customer.domain.Customer;
import org.strongroom.loan.domain.Loan;
import org.strongroom.payment.domain.Transfer;
import org.strongroom.teller.domain.Till;
import tools.jackson.databind.MapperFeature;

/**
 * How aggregates are snapshotted: which types, in which form, and which stored snapshots are still read.
 * <ul>
 *   <li>A snapshot is the aggregate's own fields, private ones included, written as JSON by a serializer
 *       of its own: the events' serializer reads accessors, and an aggregate has none for its state.</li>
 *   <li>Each aggregate class carries a {@link Revision}. A snapshot is stored with its class's revision,
 *       and one stored under another revision is passed over on load (the aggregate is then rebuilt from
 *       its events), so changing an aggregate's fields and raising its revision is all an upgrade needs.</li>
 * </ul>
 */
public final class Snapshots {

    /** Every event-sourced aggregate type of the bank. */
    public static final List<Class<?>> AGGREGATES = List.of(Account.class, Customer.class, Transfer.class, Till.class,
            Approval.class, Loan.class);

    private Snapshots() {
    }

    /** Reads and writes an aggregate's fields (any visibility, final ones included), never its methods. */
    public static Serializer serializer() {
        return Jackson3Serializer.builder()
                .jsonMapperBuilderCustomizer(builder -> builder
                        .changeDefaultVisibility(visibility -> visibility
                                .withFieldVisibility(Visibility.ANY)
                                .withGetterVisibility(Visibility.NONE)
                                .withIsGetterVisibility(Visibility.NONE)
                                .withSetterVisibility(Visibility.NONE))
                        .enable(MapperFeature.ALLOW_FINAL_FIELDS_AS_MUTATORS))
                .build();
    }

    /** Allows a snapshot only if it was written under its aggregate class's current revision. */
    public static SnapshotFilter filter() {
        SnapshotFilter filter = SnapshotFilter.allowAll();
        for (Class<?> type : AGGREGATES) {
            // Stored snapshots name their aggregate type as the events do: the class's simple name.
            filter = filter.combine(RevisionSnapshotFilter.builder().type(type.getSimpleName())
                    .revision(revisionOf(type)).build());
        }
        return filter;
    }

    static String revisionOf(Class<?> type) {
        Revision revision = type.getAnnotation(Revision.class);
        if (revision == null) {
            throw new IllegalStateException(type.getSimpleName() + " has no @Revision for its snapshots");
        }
        return revision.value();
    }
}
