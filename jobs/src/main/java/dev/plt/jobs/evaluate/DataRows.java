package dev.plt.jobs.evaluate;

import dev.plt.datasets.tasks.Sample;
import dev.plt.datasets.tasks.SampleLimit;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The data snapshot's row counts beside a result: rows in the evaluated split and rows evaluated (after
 * {@code --limit}), in all and per subject, so a result can be matched to the data it came from.
 *
 * @param bySubject subject to {rows, evaluated}; empty for tasks without subjects
 */
public record DataRows(long rows, long evaluated, Map<String, long[]> bySubject) {

    public static DataRows of(List<Sample> all, List<Sample> evaluated) {
        Map<String, long[]> bySubject = new TreeMap<>();
        for (Sample s : all) {
            if (s.subject() != null) {
                bySubject.computeIfAbsent(s.subject(), k -> new long[2])[0]++;
            }
        }
        for (Sample s : evaluated) {
            if (s.subject() != null) {
                bySubject.computeIfAbsent(s.subject(), k -> new long[2])[1]++;
            }
        }
        return new DataRows(all.size(), evaluated.size(), bySubject);
    }

    /** One line: "data: 14042 rows (57 subjects), 570 evaluated (--limit 10 per subject)". */
    public String describe(SampleLimit limit) {
        StringBuilder sb = new StringBuilder("data: ").append(rows).append(" rows");
        if (!bySubject.isEmpty()) {
            sb.append(" in ").append(bySubject.size()).append(" subjects");
        }
        sb.append(", ").append(evaluated).append(" evaluated");
        if (limit != null) {
            sb.append(" (--limit ").append(limit).append(bySubject.isEmpty() ? "" : " per subject").append(')');
        }
        return sb.toString();
    }
}
