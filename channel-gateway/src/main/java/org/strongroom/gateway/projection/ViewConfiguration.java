package org.strongroom.gateway.projection;

import org.axonframework.config.ConfigurerModule;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.strongroom.projections.api.Projections;

/** The same-transaction views' processors take the {@link ViewWriters} lock before they write. */
@Configuration(proxyBeanMethods = false)
public class ViewConfiguration {

    @Bean
    ConfigurerModule sameTransactionViewWriters(JdbcTemplate jdbc) {
        ViewWriters writers = new ViewWriters(jdbc);
        return configurer -> configurer.eventProcessing(processing -> Projections.SAME_TRANSACTION_VIEWS.keySet()
                .forEach(view -> processing.registerHandlerInterceptor(view, configuration -> writers)));
    }
}
