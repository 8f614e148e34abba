package dev.telemetry.client;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The proxy from the environment variables every CLI honours ({@code HTTPS_PROXY}, {@code HTTP_PROXY},
 * {@code NO_PROXY}, in upper or lower case), which Java's HTTP client ignores on its own. As curl does: the scheme of
 * the target picks the variable, {@code NO_PROXY} lists host suffixes (or {@code *}) that go direct.
 */
final class EnvironmentProxy extends ProxySelector {

    private final Map<String, String> environment;

    private EnvironmentProxy(Map<String, String> environment) {
        this.environment = environment;
    }

    /** A selector if any proxy variable is set. */
    static Optional<ProxySelector> from(Map<String, String> environment) {
        EnvironmentProxy selector = new EnvironmentProxy(environment);
        return selector.variable("https_proxy").isPresent() || selector.variable("http_proxy").isPresent()
                ? Optional.of(selector)
                : Optional.empty();
    }

    @Override
    public List<Proxy> select(URI target) {
        String host = Optional.ofNullable(target.getHost()).orElse("").toLowerCase(Locale.ROOT);
        Optional<URI> proxy = "https".equalsIgnoreCase(target.getScheme())
                ? variable("https_proxy").or(() -> variable("http_proxy"))
                : variable("http_proxy");
        if (proxy.isEmpty() || bypassed(host)) {
            return List.of(Proxy.NO_PROXY);
        }
        int port = proxy.get().getPort() > 0 ? proxy.get().getPort() : 80;
        return List.of(new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved(proxy.get().getHost(), port)));
    }

    @Override
    public void connectFailed(URI uri, SocketAddress proxy, IOException failure) {
        // the push fails and backs off like any other network failure
    }

    private boolean bypassed(String host) {
        return raw("no_proxy").stream()
                .flatMap(list -> Arrays.stream(list.split(",")))
                .map(entry -> entry.trim().toLowerCase(Locale.ROOT).replaceFirst("^\\*?\\.", ""))
                .filter(entry -> !entry.isEmpty())
                .anyMatch(entry -> entry.equals("*") || host.equals(entry) || host.endsWith("." + entry));
    }

    private Optional<URI> variable(String name) {
        return raw(name).map(value -> {
            try {
                URI uri = URI.create(value.contains("://") ? value : "http://" + value);
                return uri.getHost() == null ? null : uri;
            } catch (IllegalArgumentException malformed) {
                return null;
            }
        });
    }

    private Optional<String> raw(String name) {
        return Optional.ofNullable(environment.get(name)).or(() -> Optional.ofNullable(
                environment.get(name.toUpperCase(Locale.ROOT)))).filter(value -> !value.isBlank());
    }
}
