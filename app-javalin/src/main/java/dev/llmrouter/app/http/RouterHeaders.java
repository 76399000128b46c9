package dev.llmrouter.app.http;

import dev.llmrouter.domain.region.Geography;
import dev.llmrouter.domain.region.Residency;
import dev.llmrouter.domain.routing.Fleet;
import io.javalin.http.Context;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The gateway's own request headers, beside the OpenAI body.
 *
 * <table>
 *   <caption>Request headers</caption>
 *   <tr><th>header</th><th>meaning</th></tr>
 *   <tr><td>{@code x-request-id}</td><td>correlation id, echoed on the response (a new UUID when absent
 *       or not 1–128 visible ASCII characters)</td></tr>
 *   <tr><td>{@code x-router-creator}</td><td>who the usage is attributed to when the body has no
 *       {@code user} (UTF-8, at most {@value CallerText#MAX_BYTES} bytes, printable: {@link CallerText})</td></tr>
 *   <tr><td>{@code x-router-operation}</td><td>the business operation (wins over the body's
 *       {@code metadata.operation}; the same rules)</td></tr>
 *   <tr><td>{@code x-router-region}</td><td>a region to try first, e.g. {@code westeurope}</td></tr>
 *   <tr><td>{@code x-router-residency}</td><td>where the data may be processed: a comma list of
 *       geographies ({@code us}, {@code eu}, {@code uk}, {@code switzerland}, {@code japan}, ...) and/or
 *       region names ({@code swedencentral}); e.g. {@code x-router-residency: eu,uk}. Never broken, not even
 *       by a fallback; a request no deployment can serve within it is refused with 400.</td></tr>
 *   <tr><td>{@code x-router-fall-down}</td><td>{@code false} forbids serving from a lower tier when the
 *       requested tier's chain is exhausted ({@code true}, the default, leaves it to the plan)</td></tr>
 * </table>
 *
 * Unknown region or geography names, and values other than {@code true}/{@code false}, are refused
 * with 400 naming the header: a typo must not silently widen or narrow where data goes.
 */
record RouterHeaders(String creator, String operation, String preferredRegion, Residency residency, boolean allowFallDown) {

    static final String CREATOR = "x-router-creator";
    static final String OPERATION = "x-router-operation";
    static final String REGION = "x-router-region";
    static final String RESIDENCY = "x-router-residency";
    static final String FALL_DOWN = "x-router-fall-down";

    static RouterHeaders read(Context ctx, Fleet fleet) {
        String region = blankToNull(ctx.header(REGION));
        if (region != null && fleet.region(region).isEmpty()) {
            throw ApiError.invalidField(REGION, "unknown_region",
                    "Unknown region '" + printable(region) + "' in " + REGION + ".").exception();
        }
        return new RouterHeaders(
                CallerText.header(ctx, CREATOR),
                CallerText.header(ctx, OPERATION),
                region,
                residency(ctx.header(RESIDENCY), fleet),
                fallDown(ctx.header(FALL_DOWN)));
    }

    static Residency residency(String header, Fleet fleet) {
        if (header == null || header.isBlank()) {
            return Residency.ANY;
        }
        Set<String> regions = new LinkedHashSet<>();
        Set<Geography> geographies = EnumSet.noneOf(Geography.class);
        for (String raw : header.split(",")) {
            String token = raw.trim();
            if (token.isEmpty()) {
                continue;
            }
            var geography = Geography.parse(token);
            if (geography.isPresent()) {
                geographies.add(geography.get());
            } else if (fleet.region(token).isPresent()) {
                regions.add(token);
            } else if (fleet.region(token.toLowerCase(Locale.ROOT)).isPresent()) {
                regions.add(token.toLowerCase(Locale.ROOT));
            } else {
                throw ApiError.invalidField(RESIDENCY, "unknown_residency",
                        "'" + printable(token) + "' in " + RESIDENCY + " is neither a geography nor a region.")
                        .exception();
            }
        }
        if (regions.isEmpty() && geographies.isEmpty()) {
            throw ApiError.invalidField(RESIDENCY, "invalid_value", RESIDENCY + " names no region.").exception();
        }
        return new Residency(regions, geographies);
    }

    private static boolean fallDown(String header) {
        if (header == null || header.isBlank()) {
            return true;
        }
        return switch (header.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw ApiError.invalidField(FALL_DOWN, "invalid_value",
                    FALL_DOWN + " must be true or false.").exception();
        };
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    /** A caller's value as it may appear in a message: short and visible ASCII only. */
    static String printable(String s) {
        if (s.length() <= 64 && allPrintable(s)) {
            // The common case (every access-log line's path): the text itself, no copy.
            return s;
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 64; i++) {
            char c = s.charAt(i);
            b.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return b.toString();
    }

    private static boolean allPrintable(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c >= 0x7f) {
                return false;
            }
        }
        return true;
    }
}
