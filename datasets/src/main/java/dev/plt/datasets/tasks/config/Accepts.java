package dev.plt.datasets.tasks.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * What a task option (a component of a {@link TaskConfig} record) accepts beyond its type: a range for
 * whole numbers (each element of a list of them), or the values a text may take. {@link TaskRegistry}
 * checks it and names it in the error for a bad value, as it names the type for a value of another type.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.PARAMETER, ElementType.FIELD, ElementType.METHOD})
public @interface Accepts {
    long min() default Long.MIN_VALUE;

    long max() default Long.MAX_VALUE;

    /** The values a text option may take (any case); empty for any text. */
    String[] oneOf() default {};
}
