package org.strongroom.customer.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.strongroom.kernel.Refusals.refusal;

import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.axonframework.messaging.MetaData;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.strongroom.customer.api.CustomerContactUpdatedEvent;
import org.strongroom.customer.api.CustomerDetails;
import org.strongroom.customer.api.CustomerRegisteredEvent;
import org.strongroom.customer.api.IdentityDocument;
import org.strongroom.customer.api.IdentityDocumentRegistry;
import org.strongroom.customer.api.IdentityDocumentType;
import org.strongroom.customer.api.RegisterCustomerCommand;
import org.strongroom.customer.api.UpdateCustomerContactCommand;
import org.strongroom.kernel.DomainException;
import org.strongroom.kernel.ErrorReason;
import org.strongroom.kernel.FieldViolation;
import org.strongroom.kernel.MetadataKeys;
import org.strongroom.kernel.Refusal;

class CustomerTest {

    private static final String ID = "5f0c7a3e-8a61-4b1e-9a53-0d3e8f3b2c11";
    private static final LocalDate BUSINESS_DATE = LocalDate.of(2026, 11, 23);
    private static final MetaData META = MetaData.with(MetadataKeys.BUSINESS_DATE, BUSINESS_DATE.toString());
    private static final IdentityDocument PASSPORT =
            new IdentityDocument(IdentityDocumentType.PASSPORT, "DE", "C01X00T47");

    private FixtureConfiguration<Customer> fixture;
    private final Map<IdentityDocument, String> claimed = new HashMap<>();

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(Customer.class);
        IdentityDocumentRegistry registry = (document, customerId) -> {
            String holder = claimed.putIfAbsent(document, customerId);
            return holder == null || holder.equals(customerId) ? null : holder;
        };
        fixture.registerAnnotatedCommandHandler(new CustomerCommandHandler(fixture.getRepository(), registry));
    }

    private static RegisterCustomerCommand register(String fullName, LocalDate dob, IdentityDocument document,
                                                    String email, String phone, String country) {
        return new RegisterCustomerCommand(ID, fullName, dob, document, email, phone, country);
    }

    private static RegisterCustomerCommand validRegistration() {
        return register("Ada Lovelace", LocalDate.of(1990, 12, 10), PASSPORT, "ada@example.com", "+447700900123", "GB");
    }

    private static CustomerRegisteredEvent registered() {
        return new CustomerRegisteredEvent(ID, "Ada Lovelace", LocalDate.of(1990, 12, 10), PASSPORT,
                "ada@example.com", "+447700900123", "GB", BUSINESS_DATE);
    }

    @Test
    void registersACustomerAndAnswersWithTheRegisteredDetails() {
        fixture.givenNoPriorActivity()
                .when(validRegistration(), META)
                .expectSuccessfulHandlerExecution()
                .expectEvents(registered())
                .expectResultMessagePayloadMatching(org.hamcrest.Matchers.instanceOf(CustomerDetails.class));
    }

    @Test
    void minorsMayRegister() {
        LocalDate tenYearsOld = BUSINESS_DATE.minusYears(10);
        fixture.givenNoPriorActivity()
                .when(register("Tim Minor", tenYearsOld, PASSPORT, "tim@example.com", "+447700900124", "GB"), META)
                .expectSuccessfulHandlerExecution();
    }

    @Test
    void documentNumberIsNormalisedToUpperCaseWithSingleSpaces() {
        IdentityDocument messy = new IdentityDocument(IdentityDocumentType.NATIONAL_ID, "FR", " ab  12-cd ");
        fixture.givenNoPriorActivity()
                .when(register("Zoé Durand", LocalDate.of(1980, 1, 1), messy, "zoe@example.fr", "+33612345678", "FR"),
                        META)
                .expectEvents(new CustomerRegisteredEvent(ID, "Zoé Durand", LocalDate.of(1980, 1, 1),
                        new IdentityDocument(IdentityDocumentType.NATIONAL_ID, "FR", "AB 12-CD"),
                        "zoe@example.fr", "+33612345678", "FR", BUSINESS_DATE));
    }

    @Test
    void everyMissingFieldIsNamedAtOnce() {
        fixture.givenNoPriorActivity()
                .when(register(null, null, null, null, null, null), META)
                .expectNoEvents()
                .expectException(refusal(e -> assertThat(fields(e)).containsExactly(
                        "full_name", "date_of_birth", "identity_document", "email", "phone_number",
                        "residential_country_code")));
    }

    @ParameterizedTest(name = "[{index}] {0}={1}")
    @CsvSource(delimiter = '|', value = {
        "full_name|' Ada'",
        "full_name|12345",
        "full_name|Ada\u0007Lovelace",
        "email|ada@",
        "email|ada at example.com",
        "email|ada@localhost",
        "phone_number|07700900123",
        "phone_number|+0447700900123",
        "phone_number|+44 7700 900123",
        "phone_number|+4477009001234567",
        "residential_country_code|gb",
        "residential_country_code|XX",
        "residential_country_code|GBR",
        "identity_document.number|A",
        "identity_document.number|AB_12345",
        "identity_document.issuing_country_code|ZZ",
    })
    void rejectsABadFieldByName(String field, String value) {
        String name = "Ada Lovelace";
        String email = "ada@example.com";
        String phone = "+447700900123";
        String country = "GB";
        IdentityDocument document = PASSPORT;
        switch (field) {
            case "full_name" -> name = value;
            case "email" -> email = value;
            case "phone_number" -> phone = value;
            case "residential_country_code" -> country = value;
            case "identity_document.number" -> document = new IdentityDocument(IdentityDocumentType.PASSPORT, "DE", value);
            case "identity_document.issuing_country_code" ->
                    document = new IdentityDocument(IdentityDocumentType.PASSPORT, value, "C01X00T47");
            default -> throw new IllegalArgumentException(field);
        }
        fixture.givenNoPriorActivity()
                .when(register(name, LocalDate.of(1990, 12, 10), document, email, phone, country), META)
                .expectNoEvents()
                .expectException(refusal(e -> {
                    assertThat(e.refusal()).isEqualTo(Refusal.INVALID_INPUT);
                    assertThat(e.reason()).isEqualTo(ErrorReason.INVALID_FIELD);
                    assertThat(fields(e)).containsExactly(field);
                }));
    }

    @Test
    void documentTypeIsRequired() {
        fixture.givenNoPriorActivity()
                .when(register("Ada Lovelace", LocalDate.of(1990, 12, 10), new IdentityDocument(null, "DE", "C01X00T47"),
                        "ada@example.com", "+447700900123", "GB"), META)
                .expectNoEvents()
                .expectException(refusal(e ->
                        assertThat(fields(e)).containsExactly("identity_document.type")));
    }

    @Test
    void dateOfBirthAfterTheBusinessDateIsRefused() {
        fixture.givenNoPriorActivity()
                .when(register("Ada Lovelace", BUSINESS_DATE.plusDays(1), PASSPORT, "ada@example.com",
                        "+447700900123", "GB"), META)
                .expectNoEvents()
                .expectException(refusal(e -> assertThat(fields(e)).containsExactly("date_of_birth")));
    }

    @Test
    void bornOnTheBusinessDateIsAccepted() {
        fixture.givenNoPriorActivity()
                .when(register("Newborn Baby", BUSINESS_DATE, PASSPORT, "parent@example.com", "+447700900123", "GB"), META)
                .expectSuccessfulHandlerExecution();
    }

    @Test
    void implausiblyOldDateOfBirthIsRefused() {
        fixture.givenNoPriorActivity()
                .when(register("Ada Lovelace", BUSINESS_DATE.minusYears(131), PASSPORT, "ada@example.com",
                        "+447700900123", "GB"), META)
                .expectNoEvents()
                .expectException(refusal(e -> assertThat(fields(e)).containsExactly("date_of_birth")));
    }

    @Test
    void aDocumentAlreadyHeldByAnotherCustomerIsRefused() {
        claimed.put(PASSPORT, "another-customer");
        fixture.givenNoPriorActivity()
                .when(validRegistration(), META)
                .expectNoEvents()
                .expectException(refusal(e -> {
                    assertThat(e.refusal()).isEqualTo(Refusal.ALREADY_EXISTS);
                    assertThat(e.reason()).isEqualTo(ErrorReason.DUPLICATE_IDENTITY_DOCUMENT);
                    assertThat(e.metadata()).containsEntry("document_type", "PASSPORT");
                }));
    }

    @Test
    void updatesEmailOnlyKeepingThePhone() {
        fixture.given(registered())
                .when(new UpdateCustomerContactCommand(ID, "ada@lovelace.org", null))
                .expectEvents(new CustomerContactUpdatedEvent(ID, "ada@lovelace.org", "+447700900123"));
    }

    @Test
    void updatesPhoneOnlyKeepingTheEmail() {
        fixture.given(registered())
                .when(new UpdateCustomerContactCommand(ID, null, "+447700900999"))
                .expectEvents(new CustomerContactUpdatedEvent(ID, "ada@example.com", "+447700900999"));
    }

    @Test
    void theAnswerShowsTheNewContactDetails() {
        fixture.given(registered())
                .when(new UpdateCustomerContactCommand(ID, "new@example.com", "+447700900999"))
                .expectResultMessagePayloadMatching(new org.hamcrest.CustomTypeSafeMatcher<CustomerDetails>("new contact") {
                    @Override
                    protected boolean matchesSafely(CustomerDetails details) {
                        return details.email().equals("new@example.com")
                                && details.phoneNumber().equals("+447700900999")
                                && details.fullName().equals("Ada Lovelace");
                    }
                });
    }

    @Test
    void anUpdateThatChangesNothingRecordsNothing() {
        fixture.given(registered())
                .when(new UpdateCustomerContactCommand(ID, "ada@example.com", "+447700900123"))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void anUpdateWithNeitherValueIsRefusedNamingBothFields() {
        fixture.given(registered())
                .when(new UpdateCustomerContactCommand(ID, null, null))
                .expectNoEvents()
                .expectException(refusal(e ->
                        assertThat(fields(e)).containsExactly("email", "phone_number")));
    }

    @Test
    void anUpdateWithABadValueIsRefused() {
        fixture.given(registered())
                .when(new UpdateCustomerContactCommand(ID, "not-an-email", "12"))
                .expectNoEvents()
                .expectException(refusal(e ->
                        assertThat(fields(e)).containsExactly("email", "phone_number")));
    }

    private static List<String> fields(DomainException e) {
        return e.violations().stream().map(FieldViolation::field).toList();
    }
}
