package org.strongroom.node;

import io.grpc.BindableService;
import io.grpc.protobuf.services.ProtoReflectionService;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Infrastructure gRPC services beyond Spring gRPC's defaults (health and reflection v1). */
@Configuration(proxyBeanMethods = false)
public class GrpcServicesConfiguration {

    /** Reflection v1alpha for clients that predate v1 (older grpcurl, buf curl fallbacks). */
    @Bean
    @SuppressWarnings("deprecation")
    BindableService reflectionV1alpha() {
        return ProtoReflectionService.newInstance();
    }
}
