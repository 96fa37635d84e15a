package org.strongroom.gateway.customer;

import com.google.type.Date;
import java.time.DateTimeException;
import java.time.LocalDate;
import org.strongroom.customer.api.CustomerDetails;
import org.strongroom.customer.api.IdentityDocument;
import org.strongroom.customer.api.IdentityDocumentType;
import org.strongroom.gateway.grpc.ProtoTime;
import org.strongroom.kernel.Violations;
import org.strongroom.proto.customer.v1.Customer;

/** Maps customer messages between the wire contract and the domain; generated classes stop here. */
final class CustomerMapper {

    private CustomerMapper() {
    }

    static Customer toProto(CustomerDetails details) {
        IdentityDocument document = details.identityDocument();
        return Customer.newBuilder()
                .setCustomerId(details.customerId())
                .setFullName(details.fullName())
                .setDateOfBirth(ProtoTime.toProto(details.dateOfBirth()))
                .setIdentityDocument(org.strongroom.proto.customer.v1.IdentityDocument.newBuilder()
                        .setType(toProto(document.type()))
                        .setIssuingCountryCode(document.issuingCountryCode())
                        .setNumber(document.number()))
                .setEmail(details.email())
                .setPhoneNumber(details.phoneNumber())
                .setResidentialCountryCode(details.residentialCountryCode())
                .setRegistrationBusinessDate(ProtoTime.toProto(details.registrationBusinessDate()))
                .setCreateTime(ProtoTime.toProto(details.createTime()))
                .setUpdateTime(ProtoTime.toProto(details.updateTime()))
                .build();
    }

    /** The document as sent, or null if absent; an unknown type becomes null for the domain to refuse. */
    static IdentityDocument fromProto(boolean present, org.strongroom.proto.customer.v1.IdentityDocument document) {
        if (!present) {
            return null;
        }
        IdentityDocumentType type = switch (document.getType()) {
            case IDENTITY_DOCUMENT_TYPE_PASSPORT -> IdentityDocumentType.PASSPORT;
            case IDENTITY_DOCUMENT_TYPE_NATIONAL_ID -> IdentityDocumentType.NATIONAL_ID;
            case IDENTITY_DOCUMENT_TYPE_DRIVING_LICENCE -> IdentityDocumentType.DRIVING_LICENCE;
            case IDENTITY_DOCUMENT_TYPE_RESIDENCE_PERMIT -> IdentityDocumentType.RESIDENCE_PERMIT;
            case IDENTITY_DOCUMENT_TYPE_UNSPECIFIED, UNRECOGNIZED -> null;
        };
        return new IdentityDocument(type, document.getIssuingCountryCode(), document.getNumber());
    }

    /** A calendar date, or null when absent; an impossible date (2026-02-30) is a field violation. */
    static LocalDate fromProto(boolean present, Date date, String field, Violations violations) {
        if (!present) {
            return null;
        }
        try {
            return LocalDate.of(date.getYear(), date.getMonth(), date.getDay());
        } catch (DateTimeException e) {
            violations.add(field, "must be a real calendar date with year, month and day");
            return null;
        }
    }

    private static org.strongroom.proto.customer.v1.IdentityDocumentType toProto(IdentityDocumentType type) {
        return switch (type) {
            case PASSPORT -> org.strongroom.proto.customer.v1.IdentityDocumentType.IDENTITY_DOCUMENT_TYPE_PASSPORT;
            case NATIONAL_ID -> org.strongroom.proto.customer.v1.IdentityDocumentType.IDENTITY_DOCUMENT_TYPE_NATIONAL_ID;
            case DRIVING_LICENCE ->
                    org.strongroom.proto.customer.v1.IdentityDocumentType.IDENTITY_DOCUMENT_TYPE_DRIVING_LICENCE;
            case RESIDENCE_PERMIT ->
                    org.strongroom.proto.customer.v1.IdentityDocumentType.IDENTITY_DOCUMENT_TYPE_RESIDENCE_PERMIT;
        };
    }
}
