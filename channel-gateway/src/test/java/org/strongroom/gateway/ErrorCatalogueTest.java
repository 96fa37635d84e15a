package org.strongroom.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.strongroom.kernel.ErrorReason;

/** The domain's reasons and the public proto catalogue are one list. */
class ErrorCatalogueTest {

    private static final String PREFIX = "ERROR_REASON_";

    @Test
    void domainReasonsAndProtoReasonsAreTheSameSet() {
        var proto = Arrays.stream(org.strongroom.proto.error.v1.ErrorReason.values())
                .filter(reason -> reason != org.strongroom.proto.error.v1.ErrorReason.UNRECOGNIZED
                        && reason != org.strongroom.proto.error.v1.ErrorReason.ERROR_REASON_UNSPECIFIED)
                .map(reason -> reason.name().substring(PREFIX.length()))
                .toList();
        var domain = Arrays.stream(ErrorReason.values()).map(Enum::name).toList();
        assertThat(domain).containsExactlyInAnyOrderElementsOf(proto);
    }
}
