package dev.llmrouter.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.strings;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Requirement 3.2: keys are stored hashed; the stored form round-trips and only the right key matches. */
@DisplayName("Requirement 3.2 — KeyHasher")
class KeyHasherTest {

    @Test
    void the_stored_form_is_sha256_prefix_and_64_hex_digits_of_a_known_vector() {
        // SHA-256("abc"), FIPS 180-2 appendix B.1.
        assertThat(KeyHasher.hash("abc"))
                .isEqualTo("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void round_trip_every_key_matches_its_own_stored_form_and_the_form_is_well_formed() {
        qt().withExamples(200).forAll(strings().allPossible().ofLengthBetween(1, 64)).checkAssert(key -> {
            String stored = KeyHasher.hash(key);
            assertThat(KeyHasher.isStoredForm(stored)).isTrue();
            assertThat(KeyHasher.matches(key, stored)).isTrue();
            assertThat(KeyHasher.digestOf(stored)).isEqualTo(KeyHasher.digest(key));
        });
    }

    @Test
    void another_key_does_not_match() {
        qt().withExamples(200).forAll(strings().basicLatinAlphabet().ofLengthBetween(1, 32),
                strings().basicLatinAlphabet().ofLengthBetween(1, 32))
                .assuming((a, b) -> !a.equals(b))
                .checkAssert((a, b) -> assertThat(KeyHasher.matches(b, KeyHasher.hash(a))).isFalse());
    }

    @Test
    void malformed_stored_forms_are_recognised_and_never_match() {
        assertThat(KeyHasher.isStoredForm("plain-key")).isFalse();
        assertThat(KeyHasher.isStoredForm("sha256:ABC")).isFalse();
        assertThat(KeyHasher.isStoredForm(KeyHasher.hash("k").toUpperCase())).isFalse();
        assertThat(KeyHasher.matches("k", "sha256:zz")).isFalse();
        assertThat(KeyHasher.matches(null, KeyHasher.hash("k"))).isFalse();
        assertThatThrownBy(() -> KeyHasher.digestOf("plain-key"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("plain-key");
    }
}
