package org.strongroom.gateway.grpc;

import java.nio.ByteBuffer;
import java.util.Base64;
import org.strongroom.kernel.DomainException;

/**
 * Opaque page tokens: a keyset position, tagged with the list it belongs to so a token from one list
 * (or a forged one) is refused as INVALID_ARGUMENT on page_token.
 */
public final class PageTokens {

    private PageTokens() {
    }

    public static String encode(String list, long position) {
        byte[] tag = list.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        ByteBuffer buffer = ByteBuffer.allocate(2 + tag.length + Long.BYTES);
        buffer.putShort((short) tag.length).put(tag).putLong(position);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(buffer.array());
    }

    public static long decode(String list, String token, long first) {
        if (token.isEmpty()) {
            return first;
        }
        try {
            ByteBuffer buffer = ByteBuffer.wrap(Base64.getUrlDecoder().decode(token));
            byte[] tag = new byte[buffer.getShort()];
            buffer.get(tag);
            long position = buffer.getLong();
            if (buffer.hasRemaining() || !list.equals(new String(tag, java.nio.charset.StandardCharsets.UTF_8))) {
                throw new IllegalArgumentException("token of another list");
            }
            return position;
        } catch (RuntimeException e) {
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
