package org.strongroom.node.loan;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.strongroom.loan.product.LoanProductCatalogue;

/** Wires loans into the node: the product catalogue, validated at start (a bad product stops the node). */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(LoanProperties.class)
public class LoanConfiguration {

    @Bean
    LoanProductCatalogue loanProductCatalogue(LoanProperties properties) {
        return new LoanProductCatalogue(properties.getProducts());
    }
}
