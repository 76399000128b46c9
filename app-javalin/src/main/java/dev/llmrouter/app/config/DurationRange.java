package dev.llmrouter.app.config;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.time.Duration;

/**
 * A configured duration's bounds, inclusive, written as in the file ({@code 10ms}, {@code 1h}), so
 * that the report states them as the reader wrote them. Null is valid (absent: the default applies).
 */
@Target({ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER, ElementType.TYPE_USE})
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = DurationRange.Check.class)
public @interface DurationRange {

    String min();

    String max();

    String message() default "must be between {min} and {max}";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    /** Checks a {@link Duration} against the bounds, parsed as the file's durations are. */
    class Check implements ConstraintValidator<DurationRange, Duration> {
        private Duration min;
        private Duration max;

        @Override
        public void initialize(DurationRange range) {
            min = ConfigBinder.parseDuration(range.min()).orElseThrow(
                    () -> new IllegalArgumentException("bad bound " + range.min()));
            max = ConfigBinder.parseDuration(range.max()).orElseThrow(
                    () -> new IllegalArgumentException("bad bound " + range.max()));
        }

        @Override
        public boolean isValid(Duration value, ConstraintValidatorContext context) {
            return value == null || (value.compareTo(min) >= 0 && value.compareTo(max) <= 0);
        }
    }
}
