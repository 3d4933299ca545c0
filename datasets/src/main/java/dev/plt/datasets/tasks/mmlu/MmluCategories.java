package dev.plt.datasets.tasks.mmlu;

import dev.plt.datasets.tasks.metrics.TaskGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The category of each of MMLU's 57 subjects, as lm-eval's task configs group them, and lm-eval's groups:
 * {@code mmlu_stem}, {@code mmlu_other}, {@code mmlu_social_sciences}, {@code mmlu_humanities} (its order in
 * {@code _mmlu.yaml}) over subjects, and {@code mmlu} over the four.
 */
public final class MmluCategories {
    public static final Map<String, List<String>> BY_CATEGORY = Map.of(
            "stem", List.of("abstract_algebra", "anatomy", "astronomy", "college_biology", "college_chemistry",
                    "college_computer_science", "college_mathematics", "college_physics", "computer_security",
                    "conceptual_physics", "electrical_engineering", "elementary_mathematics", "high_school_biology",
                    "high_school_chemistry", "high_school_computer_science", "high_school_mathematics",
                    "high_school_physics", "high_school_statistics", "machine_learning"),
            "other", List.of("business_ethics", "clinical_knowledge", "college_medicine", "global_facts",
                    "human_aging", "management", "marketing", "medical_genetics", "miscellaneous", "nutrition",
                    "professional_accounting", "professional_medicine", "virology"),
            "social_sciences", List.of("econometrics", "high_school_geography",
                    "high_school_government_and_politics", "high_school_macroeconomics",
                    "high_school_microeconomics", "high_school_psychology", "human_sexuality",
                    "professional_psychology", "public_relations", "security_studies", "sociology",
                    "us_foreign_policy"),
            "humanities", List.of("formal_logic", "high_school_european_history", "high_school_us_history",
                    "high_school_world_history", "international_law", "jurisprudence", "logical_fallacies",
                    "moral_disputes", "moral_scenarios", "philosophy", "prehistory", "professional_law",
                    "world_religions"));

    /** lm-eval's order of the categories in the {@code mmlu} group. */
    public static final List<String> CATEGORIES = List.of("stem", "other", "social_sciences", "humanities");

    private MmluCategories() {
    }

    public static List<TaskGroup> groups() {
        List<TaskGroup> groups = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (String category : CATEGORIES) {
            groups.add(new TaskGroup("mmlu_" + category, BY_CATEGORY.get(category)));
            names.add("mmlu_" + category);
        }
        groups.add(new TaskGroup("mmlu", names));
        return groups;
    }
}
