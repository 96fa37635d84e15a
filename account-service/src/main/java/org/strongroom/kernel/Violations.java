package org.strongroom.kernel;

import java.util.ArrayList;
import java.util.List;

/** Collects every field violation of one request, so a caller learns about all of them in one round trip. */
public final class Violations {

    private final List<FieldViolation> found = new ArrayList<>();

    public Violations add(String field, String description) {
        found.add(new FieldViolation(field, description));
        return this;
    }

    public boolean isEmpty() {
        return found.isEmpty();
    }

    public List<FieldViolation> list() {
        return List.copyOf(found);
    }

    /** Throws an INVALID_FIELD refusal if anything was collected. */
    public void throwIfAny() {
        if (!found.isEmpty()) {
            throw DomainException.invalidFields(found);
        }
    }
}
