package org.strongroom.node.axon;

import org.strongroom.node.NodeProperties;

/** Test access to the configuration's package-private helpers. */
public final class AxonJdbcConfigurationAccess {

    private AxonJdbcConfigurationAccess() {
    }

    public static String nodeId(NodeProperties properties) {
        return AxonJdbcConfiguration.nodeId(properties);
    }
}
