package org.strongroom.gateway.grpc;

import com.google.protobuf.Timestamp;
import com.google.type.Date;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;

/** Dates and instants on the wire. */
public final class ProtoTime {

    private ProtoTime() {
    }

    public static Date toProto(LocalDate date) {
        return Date.newBuilder().setYear(date.getYear()).setMonth(date.getMonthValue()).setDay(date.getDayOfMonth())
                .build();
    }

    /** The calendar date, or null if it is none: year 1-9999, a real month and day, no partial date. */
    public static LocalDate fromProto(Date date) {
        if (date.getYear() < 1 || date.getYear() > 9999) {
            return null;
        }
        try {
            return LocalDate.of(date.getYear(), date.getMonth(), date.getDay());
        } catch (DateTimeException e) {
            return null;
        }
    }

    public static Timestamp toProto(Instant instant) {
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }

    /** The instant, or null with a violation if outside the range google.protobuf.Timestamp allows. */
    public static Instant fromProto(Timestamp timestamp) {
        if (timestamp.getSeconds() < -62135596800L || timestamp.getSeconds() > 253402300799L
                || timestamp.getNanos() < 0 || timestamp.getNanos() > 999_999_999) {
            return null;
        }
        return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
    }

    /**
     * A calendar date from a request, or null with a violation under {@code field}: year 1-9999 (what
     * google.type.Date allows, and far inside what the database stores), a real month and day.
     */
    public static LocalDate date(String field, Date date, org.strongroom.kernel.Violations violations) {
        LocalDate parsed = fromProto(date);
        if (parsed == null) {
            violations.add(field, "is not a calendar date in years 1-9999: " + date.getYear() + "-"
                    + date.getMonth() + "-" + date.getDay());
        }
        return parsed;
    }
}
