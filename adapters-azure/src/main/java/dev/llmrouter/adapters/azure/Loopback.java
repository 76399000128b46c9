package dev.llmrouter.adapters.azure;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/** Decides whether a host is this machine, without a DNS lookup (only literals and {@code localhost}). */
final class Loopback {

    // compiled once: the key policy asks on every call to a plain-http (loopback) endpoint
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-f:.]+");

    private Loopback() {}

    static boolean isLoopbackHost(String host) {
        if (host == null || host.isEmpty()) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.equals("localhost") || h.endsWith(".localhost")) {
            return true;
        }
        boolean ipv4Literal = IPV4.matcher(h).matches();
        boolean ipv6Literal = h.indexOf(':') >= 0 && IPV6.matcher(h).matches();
        if (!ipv4Literal && !ipv6Literal) {
            return false; // a name: never resolved here, so never trusted as loopback
        }
        try {
            return InetAddress.getByName(h).isLoopbackAddress(); // literal: no lookup happens
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
