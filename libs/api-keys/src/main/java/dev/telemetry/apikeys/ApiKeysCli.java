package dev.telemetry.apikeys;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code api-keys keygen} and {@code api-keys mint}: the operator's tool for the suite's API keys. */
@Command(name = "api-keys", mixinStandardHelpOptions = true, subcommands = {ApiKeysCli.Keygen.class,
        ApiKeysCli.Mint.class}, description = "Generates RS256 key pairs and mints API keys for the telemetry suite.")
public final class ApiKeysCli {

    public static final String DEFAULT_ISSUER = "https://telemetry.local";
    public static final String DEFAULT_AUDIENCE = "telemetry-suite";

    public static void main(String[] args) {
        System.exit(new CommandLine(new ApiKeysCli()).execute(args));
    }

    @Command(name = "keygen", mixinStandardHelpOptions = true, description = "Writes " + KeyFiles.PRIVATE_KEY_FILE
            + " (keep secret) and " + KeyFiles.PUBLIC_KEY_FILE + " (give to every service).")
    static final class Keygen implements Callable<Integer> {

        @Option(names = "--out-dir", required = true, description = "Directory for the two PEM files.")
        Path outDir;

        @Option(names = "--force", description = "Overwrite an existing key pair (every key minted with it stops working).")
        boolean force;

        @Override
        public Integer call() throws Exception {
            if (!force && Files.exists(outDir.resolve(KeyFiles.PRIVATE_KEY_FILE))) {
                System.err.println(outDir.resolve(KeyFiles.PRIVATE_KEY_FILE) + " exists; use --force to replace it");
                return 1;
            }
            KeyFiles.write(KeyFiles.generate(), outDir);
            System.out.println("wrote " + outDir.resolve(KeyFiles.PRIVATE_KEY_FILE) + " and "
                    + outDir.resolve(KeyFiles.PUBLIC_KEY_FILE));
            return 0;
        }
    }

    @Command(name = "mint", mixinStandardHelpOptions = true, description = "Prints a new signed API key on stdout.")
    static final class Mint implements Callable<Integer> {

        @Option(names = "--private-key", required = true, description = "PKCS#8 PEM private key from keygen.")
        Path privateKey;

        @Option(names = "--subject", required = true, description = "The client the key is for, e.g. cf-dev-cli.")
        String subject;

        @Option(names = "--group", required = true, split = ",", description = "ingest (CLI clients) or admin (operators).")
        List<String> groups;

        @Option(names = "--issuer", defaultValue = DEFAULT_ISSUER, description = "Default: ${DEFAULT-VALUE}.")
        String issuer;

        @Option(names = "--audience", defaultValue = DEFAULT_AUDIENCE, description = "Default: ${DEFAULT-VALUE}.")
        String audience;

        @Option(names = "--valid-for", defaultValue = "P730D", description = "ISO-8601 duration. Default: ${DEFAULT-VALUE}.")
        Duration validity;

        @Override
        public Integer call() throws Exception {
            ApiKeyMinter minter = new ApiKeyMinter(KeyFiles.readPrivateKey(privateKey), issuer, audience);
            ApiKeyMinter.ApiKey key = minter.mint(subject, new LinkedHashSet<>(groups), validity);
            System.err.println("jti " + key.id() + " (revoke by adding it to API_KEYS_REVOKED), expires "
                    + key.expiresAt());
            System.out.println(key.token());
            return 0;
        }
    }
}
