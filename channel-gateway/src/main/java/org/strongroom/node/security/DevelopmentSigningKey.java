package org.strongroom.node.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.util.UUID;

/**
 * The node's development signing key: an RSA key pair kept as a JWK in {@code data-dir/keys}, readable
 * only by its owner. The node verifies tokens with its public half; the operator CLI signs development
 * tokens with it. Production configures a JWKS URI or public key instead, and this file is never made.
 */
public final class DevelopmentSigningKey {

    public static final String FILE_NAME = "development-signing-key.jwk";

    private DevelopmentSigningKey() {
    }

    /** Reads the key, creating it on first use. */
    public static RSAKey loadOrCreate(Path dataDir) {
        Path file = dataDir.resolve("keys").resolve(FILE_NAME);
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(file.getParent());
                RSAKey key = new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate();
                Path temporary = file.resolveSibling(FILE_NAME + ".tmp");
                Files.writeString(temporary, key.toJSONString(), StandardCharsets.UTF_8);
                restrictToOwner(temporary);
                Files.move(temporary, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
            return RSAKey.parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the development signing key " + file, e);
        } catch (JOSEException | ParseException e) {
            throw new IllegalStateException("unusable development signing key " + file, e);
        }
    }

    public static RSAPublicKey publicKey(RSAKey key) {
        try {
            return key.toRSAPublicKey();
        } catch (JOSEException e) {
            throw new IllegalStateException("development signing key has no usable public key", e);
        }
    }

    private static void restrictToOwner(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // non-POSIX file system: the data directory's own permissions protect it
        }
    }
}
