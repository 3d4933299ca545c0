package dev.plt.datasets.tasks.registry;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import dev.plt.datasets.tasks.config.Accepts;
import dev.plt.datasets.tasks.config.TaskConfig;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The options of a {@link TaskConfig} record, for messages: each one's name as task files write it
 * (snake_case), what it accepts (its type and {@link Accepts}), and the check of bound values. An error
 * reads {@code option num_fewshot=abc: expected a whole number >= 0}.
 */
final class TaskOptions {
    private TaskOptions() {
    }

    static String name(RecordComponent option) {
        return PropertyNamingStrategies.SnakeCaseStrategy.INSTANCE.translate(option.getName());
    }

    static Optional<RecordComponent> named(Class<?> config, String name) {
        return Arrays.stream(config.getRecordComponents()).filter(c -> name(c).equals(name)).findFirst();
    }

    /** "option NAME=VALUE: expected WHAT IT ACCEPTS". */
    static String badValue(RecordComponent option, Object value) {
        return "option " + name(option) + "=" + value + ": expected " + accepted(option);
    }

    /** What {@code option} accepts, in words: "a whole number from 1 to 10", "one of whole, chunks". */
    static String accepted(RecordComponent option) {
        Accepts rule = option.getAnnotation(Accepts.class);
        boolean list = option.getType() == List.class;
        Type type = list ? ((ParameterizedType) option.getGenericType()).getActualTypeArguments()[0] : option.getType();
        if (type == Integer.class || type == Long.class) {
            String range = rule == null ? "" : rule.max() != Long.MAX_VALUE ? " from " + rule.min() + " to " + rule.max()
                    : rule.min() != Long.MIN_VALUE ? " >= " + rule.min() : "";
            return (list ? "one or more whole numbers" : "a whole number") + range;
        }
        if (rule != null && rule.oneOf().length > 0) {
            return "one of " + String.join(", ", rule.oneOf());
        }
        return list ? "one or more texts" : "a text";
    }

    /** Checks every option of a bound config against its {@link Accepts}. */
    static void check(TaskConfig config) {
        for (RecordComponent option : config.getClass().getRecordComponents()) {
            Accepts rule = option.getAnnotation(Accepts.class);
            Object value = valueOf(option, config);
            if (rule == null || value == null) {
                continue;
            }
            for (Object v : value instanceof List<?> values ? values : List.of(value)) {
                if (!fits(rule, v)) {
                    throw new IllegalArgumentException(badValue(option, value));
                }
            }
        }
    }

    private static boolean fits(Accepts rule, Object value) {
        if (value instanceof Number n) {
            return n.longValue() >= rule.min() && n.longValue() <= rule.max();
        }
        return rule.oneOf().length == 0 || Arrays.stream(rule.oneOf())
                .anyMatch(v -> v.equals(String.valueOf(value).toLowerCase(Locale.ROOT)));
    }

    private static Object valueOf(RecordComponent option, TaskConfig config) {
        try {
            return option.getAccessor().invoke(config);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read option " + option.getName(), e);
        }
    }
}
