package org.strongroom.gateway.grpc;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.strongroom.kernel.DomainException;

/**
 * Opaque page tokens: the keyset position of the last item served, tagged with the list it belongs to,
 * so a token from another list (or a forged one) is refused as INVALID_ARGUMENT on page_token.
 */
public final class PageTokens {

    private static final char SEPARATOR = '\n';

    private PageTokens() {
    }

    public static String encode(String list, String position) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((list + SEPARATOR + position).getBytes(StandardCharsets.UTF_8));
    }

    /** The position in the token, or null for an empty token (the first page). */
    public static String decode(String list, String token) {
        if (token.isEmpty()) {
            return null;
        }
        try {
            String text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            int split = text.indexOf(SEPARATOR);
            if (split < 0 || !text.substring(0, split).equals(list)) {
                throw new IllegalArgumentException("token of another list");
            }
            return text.substring(split + 1);
        } catch (IllegalArgumentException e) {
            throw DomainException.invalidField("page_token", "is not a page token of this list");
        }
    }

    /** A numeric keyset position from the token, or {@code first} for an empty token (the first page). */
    public static long decodePosition(String list, String token, long first) {
        String position = decode(list, token);
        if (position == null) {
            return first;
        }
        try {
            return Long.parseLong(position);
        } catch (NumberFormatException e) {
            throw DomainException.invalidField("page_token", "is not a page token of this list");
        }
    }

    /** Page size within [1, max]; 0 means the default; negative is refused. */
    public static int pageSize(int requested, int defaultSize, int max) {
        if (requested < 0) {
            throw DomainException.invalidField("page_size", "must not be negative");
        }
        if (requested == 0) {
            return defaultSize;
        }
        return Math.min(requested, max);
    }
}
