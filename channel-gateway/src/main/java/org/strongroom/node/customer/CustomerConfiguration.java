package org.strongroom.node.customer;

import org.axonframework.modelling.command.Repository;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.strongroom.customer.api.IdentityDocumentRegistry;
import org.strongroom.customer.domain.Customer;
import org.strongroom.customer.domain.CustomerCommandHandler;

/** Wires the customer domain into the node. */
@Configuration(proxyBeanMethods = false)
public class CustomerConfiguration {

    @Bean
    IdentityDocumentRegistry identityDocumentRegistry(JdbcTemplate jdbc) {
        return new JdbcIdentityDocumentRegistry(jdbc);
    }

    @Bean
    CustomerCommandHandler customerCommandHandler(Repository<Customer> customerRepository,
                                                  IdentityDocumentRegistry identityDocumentRegistry) {
        return new CustomerCommandHandler(customerRepository, identityDocumentRegistry);
    }
}
