package org.strongroom.gateway.grpc;

import java.util.regex.Pattern;
import org.strongroom.kernel.DomainException;

/** Resource ids on the wire: server-assigned lower-case UUIDs. */
public final class Ids {

    private static final Pattern UUID_TEXT =
            Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private Ids() {
    }

    /** Whether the text is an id as the bank issues them. */
    public static boolean isId(String text) {
        return text != null && UUID_TEXT.matcher(text).matches();
    }

    /** The id, or INVALID_ARGUMENT naming the field. */
    public static String require(String field, String id) {
        if (id.isEmpty()) {
            throw DomainException.invalidField(field, "is required");
        }
        if (!UUID_TEXT.matcher(id).matches()) {
            throw DomainException.invalidField(field, "must be an id as returned by the bank (lower-case UUID)");
        }
        return id;
    }
}
