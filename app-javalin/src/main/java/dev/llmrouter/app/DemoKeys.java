package dev.llmrouter.app;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The keys of the embedded default's demo accounts. They are public on purpose (printed at start so
 * that a new user can call the gateway at once) and work only against the embedded default, whose
 * file holds their SHA-256 hashes, never the keys. A real configuration has its own accounts.
 */
public final class DemoKeys {

    public static final String ENTERPRISE = "demo-enterprise";
    public static final String FREE = "demo-free";
    public static final String ADMIN = "demo-admin";

    private DemoKeys() {}

    /** Account id → key, in the order they are printed. */
    public static Map<String, String> byAccount() {
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put("demo-enterprise", ENTERPRISE);
        keys.put("demo-free", FREE);
        keys.put("demo-admin", ADMIN);
        return keys;
    }
}
