package org.strongroom.node.account;

import org.axonframework.config.ConfigurerModule;
import org.axonframework.modelling.command.Repository;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.strongroom.node.axon.ProcessorFailures;
import org.strongroom.payment.application.InternalTransfers;
import org.strongroom.payment.domain.Transfer;
import org.strongroom.payment.domain.TransferCommandHandler;

/** Wires transfers into the node, and how every event processor treats a failing handler. */
@Configuration(proxyBeanMethods = false)
public class PaymentConfiguration {

    @Bean
    InternalTransfers internalTransfers() {
        return new InternalTransfers();
    }

    @Bean
    TransferCommandHandler transferCommandHandler(Repository<Transfer> transferRepository) {
        return new TransferCommandHandler(transferRepository);
    }

    /**
     * A handler that fails makes its processor log it and retry the event (with back-off) instead of
     * logging and skipping it, Axon's default: a projection or the transfer process must never miss an
     * event ({@link ProcessorFailures}).
     */
    @Bean
    ConfigurerModule propagateHandlerErrors() {
        ProcessorFailures failures = new ProcessorFailures();
        return configurer -> configurer.eventProcessing(processing -> processing
                .registerDefaultListenerInvocationErrorHandler(configuration -> failures));
    }
}
