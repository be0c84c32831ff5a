package io.clientele.platform.webhooks;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.clientele.platform.config.ClienteleConfig;

/**
 * Which receiver URLs and addresses webhooks may reach. Production: https only, and (unless switched off) no
 * loopback, private, link-local, CGNAT, unique-local, multicast or unspecified addresses, checked on the address
 * actually connected to, so a DNS name that later resolves inward is refused too (SSRF). The test profile may
 * allow plain http to 127.0.0.1/localhost ({@code clientele.webhooks.allow-insecure-loopback}).
 */
@ApplicationScoped
public class ReceiverAddresses {

    private final boolean blockPrivate;
    private final boolean allowLoopback;

    @Inject
    ReceiverAddresses(ClienteleConfig config) {
        this(config.webhooks().blockPrivateAddresses(), config.webhooks().allowInsecureLoopback());
    }

    ReceiverAddresses(boolean blockPrivate, boolean allowLoopback) {
        this.blockPrivate = blockPrivate;
        this.allowLoopback = allowLoopback;
    }

    /** A parsed receiver URL; {@code null} with a reason when the URL is not acceptable. */
    public record Target(URI uri, boolean tls, String host, int port, String pathAndQuery) {
    }

    /** Checks the URL's form (scheme, host, no credentials); returns the problem, or null when it is fine. */
    public String problem(String url) {
        try {
            target(url);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    public Target target(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalArgumentException("is not a valid absolute URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost();
        if (!uri.isAbsolute() || host == null) {
            throw new IllegalArgumentException("is not a valid absolute URL");
        }
        if (uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("must not contain credentials");
        }
        if (uri.getRawFragment() != null) {
            throw new IllegalArgumentException("must not contain a fragment");
        }
        boolean loopbackName = host.equals("127.0.0.1") || host.equalsIgnoreCase("localhost");
        if (scheme.equals("http")) {
            if (!(allowLoopback && loopbackName)) {
                throw new IllegalArgumentException("must use https");
            }
        } else if (!scheme.equals("https")) {
            throw new IllegalArgumentException("must use https");
        }
        if (literal(host) && !allowed(parseLiteral(host))) {
            throw new IllegalArgumentException("points to an internal address");
        }
        boolean tls = scheme.equals("https");
        int port = uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80;
        String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        return new Target(uri, tls, host.startsWith("[") ? host.substring(1, host.length() - 1) : host, port, path);
    }

    /** Whether webhooks may connect to {@code address}. */
    public boolean allowed(InetAddress address) {
        if (address.isLoopbackAddress()) {
            return allowLoopback || !blockPrivate;
        }
        if (!blockPrivate) {
            return true;
        }
        if (address.isAnyLocalAddress() || address.isLinkLocalAddress() || address.isSiteLocalAddress()
                || address.isMulticastAddress()) {
            return false;
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            // 0.0.0.0/8 "this network", 100.64.0.0/10 carrier-grade NAT, 192.0.0.0/24 protocol assignments,
            // 198.18.0.0/15 benchmarking, 240.0.0.0/4 reserved.
            return !(first == 0 || (first == 100 && second >= 64 && second < 128)
                    || (first == 192 && second == 0 && (b[2] & 0xff) == 0) || (first == 198 && (second & 0xfe) == 18)
                    || first >= 240);
        }
        if (address instanceof Inet6Address) {
            // fc00::/7 unique local; IPv4-mapped addresses are judged as the IPv4 address they carry.
            if ((b[0] & 0xfe) == 0xfc) {
                return false;
            }
            boolean mapped = true;
            for (int i = 0; i < 10; i++) {
                mapped &= b[i] == 0;
            }
            if (mapped && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
                try {
                    return allowed(InetAddress.getByAddress(new byte[] { b[12], b[13], b[14], b[15] }));
                } catch (UnknownHostException e) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean literal(String host) {
        return host.startsWith("[") || host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    }

    private static InetAddress parseLiteral(String host) {
        try {
            // A literal never triggers a DNS lookup.
            return InetAddress.getByName(host.startsWith("[") ? host.substring(1, host.length() - 1) : host);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("is not a valid address");
        }
    }
}
