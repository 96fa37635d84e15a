package org.strongroom.loan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.Consumer;
import org.axonframework.eventhandling.EventMessage;
import org.hamcrest.BaseMatcher;
import org.hamcrest.Description;
import org.hamcrest.Matcher;
import org.hamcrest.TypeSafeMatcher;
import org.strongroom.kernel.DomainException;
import org.strongroom.kernel.ErrorReason;
import org.strongroom.kernel.FieldViolation;
import org.strongroom.kernel.Refusal;

/**
 * Hamcrest bridges for Axon fixture tests of loan-service: values (a refusal, a result, the published
 * events) matched by AssertJ assertions on them. The fixture describes a matcher before it matches, so a
 * failing assertion is rethrown as it is: the test fails with AssertJ's message rather than "no match".
 */
public final class LoanMatchers {

    private LoanMatchers() {
    }

    /** Matches a value of the type that passes the given AssertJ assertions. */
    public static <T> Matcher<T> satisfying(Class<T> type, Consumer<T> assertions) {
        return new TypeSafeMatcher<>(type) {
            @Override
            protected boolean matchesSafely(T value) {
                assertions.accept(value);
                return true;
            }

            @Override
            public void describeTo(Description description) {
                description.appendText("a " + type.getSimpleName() + " satisfying assertions");
            }
        };
    }

    public static Matcher<DomainException> refusal(Consumer<DomainException> assertions) {
        return satisfying(DomainException.class, assertions);
    }

    /** A business-rule refusal with this reason. */
    public static Matcher<DomainException> refused(ErrorReason reason) {
        return refusal(e -> {
            assertThat(e.refusal()).isEqualTo(Refusal.BUSINESS_RULE);
            assertThat(e.reason()).isEqualTo(reason);
        });
    }

    /** An invalid-input refusal naming exactly these fields, in this order. */
    public static Matcher<DomainException> invalidFields(String... fields) {
        return refusal(e -> {
            assertThat(e.refusal()).isEqualTo(Refusal.INVALID_INPUT);
            assertThat(e.reason()).isEqualTo(ErrorReason.INVALID_FIELD);
            assertThat(e.violations()).extracting(FieldViolation::field).containsExactly(fields);
            assertThat(e.violations()).allSatisfy(v -> assertThat(v.description()).isNotBlank());
        });
    }

    /** Matches the published events by their payloads. */
    public static Matcher<List<EventMessage<?>>> payloads(Consumer<List<Object>> assertions) {
        return new BaseMatcher<>() {
            @Override
            public boolean matches(Object actual) {
                assertions.accept(((List<?>) actual).stream()
                        .map(message -> ((EventMessage<?>) message).getPayload()).map(Object.class::cast).toList());
                return true;
            }

            @Override
            public void describeTo(Description description) {
                description.appendText("events satisfying assertions");
            }
        };
    }
}
