package org.strongroom.kernel;

import java.util.function.Consumer;
import org.hamcrest.Description;
import org.hamcrest.Matcher;
import org.hamcrest.TypeSafeMatcher;

/** Hamcrest bridge for fixture tests: a DomainException matched by AssertJ assertions on it. */
public final class Refusals {

    private Refusals() {
    }

    public static Matcher<DomainException> refusal(Consumer<DomainException> assertions) {
        return satisfying(DomainException.class, assertions);
    }

    /** Matches a value of the type that passes the given AssertJ assertions, reporting the first failure. */
    public static <T> Matcher<T> satisfying(Class<T> type, Consumer<T> assertions) {
        return new TypeSafeMatcher<>(type) {
            private AssertionError failure;

            @Override
            protected boolean matchesSafely(T value) {
                try {
                    assertions.accept(value);
                    return true;
                } catch (AssertionError error) {
                    failure = error;
                    return false;
                }
            }

            @Override
            public void describeTo(Description description) {
                description.appendText("a " + type.getSimpleName() + " satisfying assertions")
                        .appendText(failure == null ? "" : ": " + failure.getMessage());
            }
        };
    }
}
