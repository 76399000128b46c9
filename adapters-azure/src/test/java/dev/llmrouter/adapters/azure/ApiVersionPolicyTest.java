package dev.llmrouter.adapters.azure;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requirement 2.2 (the configured API version is the one sent): the policy leaves a URL alone only
 * when its query already holds exactly one {@code api-version}, the configured one; every other URL
 * is rewritten (the rewrite itself is proven end to end by RequestShapeTest).
 */
@DisplayName("Requirement 2.2: api-version left alone only when it is already exactly the configured one")
class ApiVersionPolicyTest {

    final ApiVersionPolicy policy = new ApiVersionPolicy("2024-10-21");

    @Test
    void only_a_query_with_exactly_the_configured_version_is_left_alone() {
        assertThat(policy.hasOnlyOurs("api-version=2024-10-21")).isTrue();
        assertThat(policy.hasOnlyOurs("a=1&api-version=2024-10-21")).isTrue();
        assertThat(policy.hasOnlyOurs("api-version=2024-10-21&a=1")).isTrue();

        assertThat(policy.hasOnlyOurs(null)).isFalse();
        assertThat(policy.hasOnlyOurs("")).isFalse();
        assertThat(policy.hasOnlyOurs("api-version=2024-06-01")).as("the SDK's enum version").isFalse();
        assertThat(policy.hasOnlyOurs("api-version=2024-10-21-preview")).isFalse();
        assertThat(policy.hasOnlyOurs("x-api-version=2024-10-21")).isFalse();
        assertThat(policy.hasOnlyOurs("api-version=2024-10-21&api-version=2024-06-01")).isFalse();
        assertThat(policy.hasOnlyOurs("api-version=2024-06-01&api-version=2024-10-21")).isFalse();
    }
}
