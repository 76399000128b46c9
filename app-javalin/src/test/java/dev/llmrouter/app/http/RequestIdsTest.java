package dev.llmrouter.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Requirement 4.1: a generated request id is a well-formed random (version 4, IETF variant) UUID, unique per request. */
@DisplayName("Requirement 4.1: generated request ids are version-4 UUIDs")
class RequestIdsTest {

    @Test
    void generated_ids_are_version_4_uuids_without_repeats() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            UUID id = RequestIds.randomUuid();
            assertThat(id.version()).isEqualTo(4);
            assertThat(id.variant()).isEqualTo(2);
            assertThat(UUID.fromString(id.toString())).isEqualTo(id);
            assertThat(RequestIds.acceptable(id.toString())).isTrue();
            seen.add(id.toString());
        }
        assertThat(seen).hasSize(10_000);
    }
}
