package dev.telemetry.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.telemetry.apikeys.ApiKeyGroups;
import dev.telemetry.apikeys.ApiKeyMinter;
import dev.telemetry.apikeys.ApiKeysCli;
import dev.telemetry.apikeys.KeyFiles;

/**
 * The local suite's secrets, made on first run and kept in {@code <home>/keys.env} (git-ignored): an
 * {@code ingest} and an {@code admin} API key, and the pseudonym key the services share.
 */
record LocalKeys(Path envFile, Path publicKey, String ingestKey, String adminKey, String pseudonymKey) {

    static LocalKeys loadOrCreate(Path home) throws IOException {
        Path keyDirectory = home.resolve("keys");
        Path envFile = home.resolve("keys.env");
        Path publicKey = keyDirectory.resolve(KeyFiles.PUBLIC_KEY_FILE);
        if (Files.exists(envFile) && Files.exists(publicKey)) {
            Map<String, String> values = read(envFile);
            if (values.keySet().containsAll(List.of("INGEST_API_KEY", "ADMIN_API_KEY", "PSEUDONYM_KEY"))) {
                return new LocalKeys(envFile, publicKey, values.get("INGEST_API_KEY"), values.get("ADMIN_API_KEY"),
                        values.get("PSEUDONYM_KEY"));
            }
        }
        KeyFiles.write(KeyFiles.generate(), keyDirectory);
        ApiKeyMinter minter = new ApiKeyMinter(KeyFiles.readPrivateKey(keyDirectory.resolve(KeyFiles.PRIVATE_KEY_FILE)),
                ApiKeysCli.DEFAULT_ISSUER, ApiKeysCli.DEFAULT_AUDIENCE);
        String ingest = minter.mint("local-cli", Set.of(ApiKeyGroups.INGEST), ApiKeyMinter.DEFAULT_VALIDITY).token();
        String admin = minter.mint("local-operator", Set.of(ApiKeyGroups.ADMIN), ApiKeyMinter.DEFAULT_VALIDITY).token();
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        String pseudonymKey = Base64.getEncoder().encodeToString(secret);

        String content = "# Made by run-suite for this checkout only. Never use these outside local development.\n"
                + "INGEST_API_KEY=" + ingest + "\n"
                + "ADMIN_API_KEY=" + admin + "\n"
                + "PSEUDONYM_KEY=" + pseudonymKey + "\n";
        Files.deleteIfExists(envFile);
        Files.createFile(envFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(envFile, content, StandardCharsets.UTF_8);
        return new LocalKeys(envFile, publicKey, ingest, admin, pseudonymKey);
    }

    private static Map<String, String> read(Path envFile) throws IOException {
        Map<String, String> values = new HashMap<>();
        for (String line : Files.readAllLines(envFile, StandardCharsets.UTF_8)) {
            int equals = line.indexOf('=');
            if (!line.startsWith("#") && equals > 0) {
                values.put(line.substring(0, equals).trim(), line.substring(equals + 1).trim());
            }
        }
        return values;
    }
}
