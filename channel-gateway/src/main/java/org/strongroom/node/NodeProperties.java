package org.strongroom.node;

import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Node settings under {@code strongroom.*}. Defaults run a self-contained node: embedded PostgreSQL and
 * Kafka with their data under {@code data-dir}.
 */
@ConfigurationProperties("strongroom")
public class NodeProperties {

    /** Where the embedded servers keep their data; reused across restarts. */
    private Path dataDir = Path.of("var");
    /** Time zone whose calendar defines the bank's business date. */
    private ZoneId bankTimeZone = ZoneId.of("UTC");
    private final Grpc grpc = new Grpc();
    private final EmbeddedPostgres embeddedPostgres = new EmbeddedPostgres();
    private final EmbeddedKafka embeddedKafka = new EmbeddedKafka();
    private final Events events = new Events();
    private final Jwt jwt = new Jwt();
    /**
     * Debit limits per channel, in units of the account's currency; a channel without an entry has none.
     * Example: {@code strongroom.limits.MOBILE.daily=2000}.
     */
    private final java.util.Map<org.strongroom.kernel.Channel, DebitLimitSettings> limits =
            new java.util.EnumMap<>(org.strongroom.kernel.Channel.class);

    public java.util.Map<org.strongroom.kernel.Channel, DebitLimitSettings> getLimits() {
        return limits;
    }

    /** Debit limits per role (strongroom.role-limits.PARTNER.daily=...), applied with the channel's. */
    private final java.util.Map<org.strongroom.kernel.Role, DebitLimitSettings> roleLimits =
            new java.util.EnumMap<>(org.strongroom.kernel.Role.class);

    public java.util.Map<org.strongroom.kernel.Role, DebitLimitSettings> getRoleLimits() {
        return roleLimits;
    }

    public Jwt getJwt() {
        return jwt;
    }

    private final Approvals approvals = new Approvals();
    private final Clearing clearing = new Clearing();

    public Clearing getClearing() {
        return clearing;
    }

    /**
     * Entries with an EXTERNAL_CLEARING counterparty (docs/architecture.md, invariant 7: no single person creates money).
     * The clearing integration's SYSTEM principals post them at once; branch staff posting one by hand make
     * a manual adjustment, which above the threshold waits for a supervisor; nobody else posts them.
     */
    public static class Clearing {
        /** SYSTEM principals (token subjects) of the clearing integration. None by default. */
        private java.util.Set<String> feedPrincipals = new java.util.TreeSet<>();
        /**
         * Per currency: a manual adjustment above this amount waits for a supervisor of the branch. A
         * currency without an entry has no free amount: every adjustment in it waits.
         */
        private final java.util.Map<String, java.math.BigDecimal> adjustmentThreshold = new java.util.TreeMap<>(
                java.util.Map.of("EUR", new java.math.BigDecimal("1000"), "USD", new java.math.BigDecimal("1000"),
                        "GBP", new java.math.BigDecimal("1000"), "CHF", new java.math.BigDecimal("1000"),
                        "CNY", new java.math.BigDecimal("7000"), "JPY", new java.math.BigDecimal("150000")));

        public java.util.Set<String> getFeedPrincipals() {
            return feedPrincipals;
        }

        public void setFeedPrincipals(java.util.Set<String> feedPrincipals) {
            this.feedPrincipals = new java.util.TreeSet<>(feedPrincipals);
        }

        public java.util.Map<String, java.math.BigDecimal> getAdjustmentThreshold() {
            return adjustmentThreshold;
        }
    }

    public Approvals getApprovals() {
        return approvals;
    }

    /** Velocity rules per channel (strongroom.velocity.MOBILE.max-debits=...). */
    private final java.util.Map<org.strongroom.kernel.Channel, Velocity> velocity =
            new java.util.EnumMap<>(org.strongroom.kernel.Channel.class);

    public java.util.Map<org.strongroom.kernel.Channel, Velocity> getVelocity() {
        return velocity;
    }

    /**
     * More than {@code maxDebits} debits, or more than {@code maxAmount} (account-currency units) debited,
     * on the channel within {@code window}: the next debit is held for review instead of executed.
     */
    public static class Velocity {
        private Integer maxDebits;
        private java.math.BigDecimal maxAmount;
        private Duration window = Duration.ofMinutes(10);

        public Integer getMaxDebits() {
            return maxDebits;
        }

        public void setMaxDebits(Integer maxDebits) {
            this.maxDebits = maxDebits;
        }

        public java.math.BigDecimal getMaxAmount() {
            return maxAmount;
        }

        public void setMaxAmount(java.math.BigDecimal maxAmount) {
            this.maxAmount = maxAmount;
        }

        public Duration getWindow() {
            return window;
        }

        public void setWindow(Duration window) {
            if (window.isNegative() || window.isZero() || window.compareTo(Duration.ofDays(1)) > 0) {
                throw new IllegalArgumentException("a velocity window is more than zero and at most one day");
            }
            this.window = window;
        }
    }

    /** Maker-checker: what waits for a supervisor, and for how long. */
    public static class Approvals {
        /** The desk (a branch id in supervisors' tokens) whose supervisors decide held debits. */
        private String reviewBranch = "fraud-review";

        public String getReviewBranch() {
            return reviewBranch;
        }

        public void setReviewBranch(String reviewBranch) {
            this.reviewBranch = reviewBranch;
        }

        /** A pending request nobody decides within this time expires unchanged. */
        private Duration expireAfter = Duration.ofHours(4);
        /**
         * Per currency: a teller's cash deposit or withdrawal above this amount waits for a supervisor.
         * A currency without an entry has no threshold (every cash operation is immediate).
         */
        private final java.util.Map<String, java.math.BigDecimal> cashThreshold = new java.util.TreeMap<>(
                java.util.Map.of("EUR", new java.math.BigDecimal("10000"), "USD", new java.math.BigDecimal("10000"),
                        "GBP", new java.math.BigDecimal("10000"), "CHF", new java.math.BigDecimal("10000"),
                        "CNY", new java.math.BigDecimal("70000"), "JPY", new java.math.BigDecimal("1500000")));

        public Duration getExpireAfter() {
            return expireAfter;
        }

        public void setExpireAfter(Duration expireAfter) {
            this.expireAfter = expireAfter;
        }

        public java.util.Map<String, java.math.BigDecimal> getCashThreshold() {
            return cashThreshold;
        }
    }

    public Path getDataDir() {
        return dataDir;
    }

    public void setDataDir(Path dataDir) {
        this.dataDir = dataDir;
    }

    public ZoneId getBankTimeZone() {
        return bankTimeZone;
    }

    public void setBankTimeZone(ZoneId bankTimeZone) {
        this.bankTimeZone = bankTimeZone;
    }

    public Grpc getGrpc() {
        return grpc;
    }

    public EmbeddedPostgres getEmbeddedPostgres() {
        return embeddedPostgres;
    }

    public Events getEvents() {
        return events;
    }

    public EmbeddedKafka getEmbeddedKafka() {
        return embeddedKafka;
    }

    /** Publication of the domain events to Kafka. */
    public static class Events {
        /** CloudEvents {@code source} of every published event. */
        private String source = "/strongroom/core";
        /** Partitions of each event topic the node creates (existing topics are left as they are). */
        private int partitions = 6;
        /** Replication factor of the event topics the node creates (1 on the embedded broker). */
        private short replicationFactor = 1;
        /** How long a batch waits for Kafka's acknowledgement before it is rolled back and sent again. */
        private Duration acknowledgeTimeout = Duration.ofSeconds(30);

        public String getSource() {
            return source;
        }

        public void setSource(String source) {
            this.source = source;
        }

        public int getPartitions() {
            return partitions;
        }

        public void setPartitions(int partitions) {
            this.partitions = partitions;
        }

        public short getReplicationFactor() {
            return replicationFactor;
        }

        public void setReplicationFactor(short replicationFactor) {
            this.replicationFactor = replicationFactor;
        }

        public Duration getAcknowledgeTimeout() {
            return acknowledgeTimeout;
        }

        public void setAcknowledgeTimeout(Duration acknowledgeTimeout) {
            this.acknowledgeTimeout = acknowledgeTimeout;
        }
    }

    public static class Grpc {
        /** Deadline applied to calls that arrive without one. */
        private Duration defaultDeadline = Duration.ofSeconds(10);
        /** Longest deadline honoured; longer client deadlines are capped so no call holds resources forever. */
        private Duration maxDeadline = Duration.ofSeconds(60);
        /**
         * Development identity mode: callers without a token are identified by x-strongroom-* headers,
         * trusted as sent. Off by default; only for local demos.
         */
        private boolean developmentIdentity = false;
        private final RateLimit rateLimit = new RateLimit();

        public RateLimit getRateLimit() {
            return rateLimit;
        }

        public Duration getDefaultDeadline() {
            return defaultDeadline;
        }

        public void setDefaultDeadline(Duration defaultDeadline) {
            this.defaultDeadline = defaultDeadline;
        }

        public Duration getMaxDeadline() {
            return maxDeadline;
        }

        public void setMaxDeadline(Duration maxDeadline) {
            this.maxDeadline = maxDeadline;
        }

        public boolean isDevelopmentIdentity() {
            return developmentIdentity;
        }

        public void setDevelopmentIdentity(boolean developmentIdentity) {
            this.developmentIdentity = developmentIdentity;
        }
    }

    /**
     * Signed identity tokens (JWT, RS256). Keys: a JWKS URI, or a PEM public key, or, when neither is
     * set, the node's development signing key in {@code data-dir/keys} (created on first start).
     */
    public static class Jwt {
        /** The token's {@code aud} must contain this. */
        private String audience = "strongroom";
        /** The token's {@code iss} must equal this. */
        private String issuer = "strongroom";
        private String jwkSetUri;
        /** PEM file with an RSA public key (X.509 SubjectPublicKeyInfo). */
        private Path publicKeyLocation;
        /** Tolerance for clock differences when checking exp and nbf. */
        private Duration clockSkew = Duration.ofSeconds(30);

        public String getAudience() {
            return audience;
        }

        public void setAudience(String audience) {
            this.audience = audience;
        }

        public String getIssuer() {
            return issuer;
        }

        public void setIssuer(String issuer) {
            this.issuer = issuer;
        }

        public String getJwkSetUri() {
            return jwkSetUri;
        }

        public void setJwkSetUri(String jwkSetUri) {
            this.jwkSetUri = jwkSetUri;
        }

        public Path getPublicKeyLocation() {
            return publicKeyLocation;
        }

        public void setPublicKeyLocation(Path publicKeyLocation) {
            this.publicKeyLocation = publicKeyLocation;
        }

        public Duration getClockSkew() {
            return clockSkew;
        }

        public void setClockSkew(Duration clockSkew) {
            this.clockSkew = clockSkew;
        }
    }

    /** Debit limits of one channel or role, per transaction and per business day; null means none of that kind. */
    public static class DebitLimitSettings {
        private java.math.BigDecimal perTransaction;
        private java.math.BigDecimal daily;

        public java.math.BigDecimal getPerTransaction() {
            return perTransaction;
        }

        public void setPerTransaction(java.math.BigDecimal perTransaction) {
            this.perTransaction = perTransaction;
        }

        public java.math.BigDecimal getDaily() {
            return daily;
        }

        public void setDaily(java.math.BigDecimal daily) {
            this.daily = daily;
        }
    }

    /** Calls per principal: a steady rate (whole calls per second) with a burst allowance. */
    public static class RateLimit {
        private boolean enabled = true;
        private long requestsPerSecond = 500;
        private long burst = 1000;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public long getRequestsPerSecond() {
            return requestsPerSecond;
        }

        public void setRequestsPerSecond(long requestsPerSecond) {
            if (requestsPerSecond <= 0 || requestsPerSecond > 1_000_000_000L) {
                throw new IllegalArgumentException("requests-per-second must be between 1 and 1000000000");
            }
            this.requestsPerSecond = requestsPerSecond;
        }

        public long getBurst() {
            return burst;
        }

        public void setBurst(long burst) {
            if (burst < 1) {
                throw new IllegalArgumentException("burst must be at least 1");
            }
            this.burst = burst;
        }
    }

    public static class EmbeddedPostgres {
        /** Port of the embedded server; 0 picks a free port at each start. */
        private int port = 0;
        /** How long to wait for a PostgreSQL left running by a killed node to stop. */
        private Duration orphanStopTimeout = Duration.ofSeconds(60);

        public int getPort() {
            return port;
        }

        public void setPort(int port) {
            this.port = port;
        }

        public Duration getOrphanStopTimeout() {
            return orphanStopTimeout;
        }

        public void setOrphanStopTimeout(Duration orphanStopTimeout) {
            this.orphanStopTimeout = orphanStopTimeout;
        }
    }

    public static class EmbeddedKafka {
        /** Start the embedded broker when no spring.kafka.bootstrap-servers is configured. */
        private boolean enabled = true;
        /** Client port of the embedded broker; 0 picks a free port at each start. */
        private int port = 0;
        /** KRaft controller port of the embedded broker; 0 picks a free port at each start. */
        private int controllerPort = 0;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public int getPort() {
            return port;
        }

        public void setPort(int port) {
            this.port = port;
        }

        public int getControllerPort() {
            return controllerPort;
        }

        public void setControllerPort(int controllerPort) {
            this.controllerPort = controllerPort;
        }
    }
}
