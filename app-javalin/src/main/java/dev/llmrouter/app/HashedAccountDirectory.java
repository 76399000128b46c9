package dev.llmrouter.app;

import dev.llmrouter.app.config.AccountSpec;
import dev.llmrouter.app.config.KeyHasher;
import dev.llmrouter.app.http.Account;
import dev.llmrouter.app.http.AccountDirectory;
import dev.llmrouter.domain.plan.Plan;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The accounts of the configuration, found by key. Only SHA-256 digests of keys are held
 * ({@link KeyHasher}); a presented key is hashed once and compared against <em>every</em> stored
 * digest with {@link MessageDigest#isEqual} (constant time, no early exit on a match), so neither
 * the position of a match nor the shared prefix of a near miss shows in the response time. A
 * gateway has tens of accounts, not millions: a linear scan is cheaper than a request's JSON parse.
 * Keys are never logged, and neither this class nor {@link Account} keeps them.
 */
public final class HashedAccountDirectory implements AccountDirectory {

    private record Entry(byte[] digest, Account account) {}

    private final List<Entry> entries;

    public HashedAccountDirectory(List<AccountSpec> accounts, Map<String, Plan> plans) {
        List<Entry> list = new ArrayList<>();
        for (AccountSpec spec : accounts) {
            Plan plan = plans.get(spec.planId());
            if (plan == null) {
                throw new IllegalArgumentException("account '" + spec.id() + "' names unknown plan '" + spec.planId() + "'");
            }
            Account account = new Account(spec.id(), plan, spec.operator());
            for (String stored : spec.keyHashes()) {
                list.add(new Entry(KeyHasher.digestOf(stored), account));
            }
        }
        this.entries = List.copyOf(list);
    }

    @Override
    public Optional<Account> authenticate(String presentedKey) {
        if (presentedKey == null || presentedKey.isEmpty()) {
            return Optional.empty();
        }
        byte[] digest = KeyHasher.digest(presentedKey);
        Account found = null;
        for (Entry e : entries) {
            // Scan all entries whatever happens, so a match does not end the loop early.
            if (MessageDigest.isEqual(digest, e.digest) && found == null) {
                found = e.account;
            }
        }
        return Optional.ofNullable(found);
    }

    public int keyCount() {
        return entries.size();
    }
}
