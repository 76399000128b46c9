package dev.llmrouter.app.http;

import java.util.Optional;

/**
 * Finds the account a presented gateway key belongs to. Keys are stored only as hashes and compared
 * in constant time; a presented key is never logged.
 */
public interface AccountDirectory {

    Optional<Account> authenticate(String presentedKey);
}
