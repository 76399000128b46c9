package dev.llmrouter.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Requirement 9 (access log): logged caller text is printable ASCII, at most 64 characters. */
@DisplayName("Requirement 9: caller text in the access log is printable ASCII, at most 64 characters")
class RouterHeadersPrintableTest {

    @Test
    void printable_text_of_64_or_fewer_characters_is_kept_as_it_is() {
        // given a short printable path, when made printable, then it is the same text
        String path = "/v1/chat/completions";
        assertThat(RouterHeaders.printable(path)).isSameAs(path);
        String sixtyFour = "a".repeat(64);
        assertThat(RouterHeaders.printable(sixtyFour)).isEqualTo(sixtyFour);
    }

    @Test
    void other_characters_become_question_marks_and_long_text_is_cut() {
        // given control or non-ASCII characters, or more than 64 characters
        // when made printable, then each such character is '?' and the text is cut at 64
        assertThat(RouterHeaders.printable("a\nb\u00e9c\u007f")).isEqualTo("a?b?c?");
        assertThat(RouterHeaders.printable("b".repeat(65))).isEqualTo("b".repeat(64));
        assertThat(RouterHeaders.printable("\t" + "c".repeat(70))).isEqualTo("?" + "c".repeat(63));
    }
}
