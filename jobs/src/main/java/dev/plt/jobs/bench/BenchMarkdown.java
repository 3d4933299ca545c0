package dev.plt.jobs.bench;

import java.util.List;

/** The report as markdown tables, ready to paste into docs/BENCHMARKS.md. */
final class BenchMarkdown {
    private BenchMarkdown() {
    }

    static String render(BenchReport report) {
        StringBuilder md = new StringBuilder();
        md.append("### `plt bench`").append(report.settings().quick() ? " --quick" : "").append("\n\n")
                .append(BenchTables.summary(report)).append(".\n");
        for (BenchTables.Table table : BenchTables.of(report)) {
            md.append("\n**").append(table.title()).append("**\n\n");
            row(md, table.header());
            md.append('|');
            table.header().forEach(h -> md.append("---|"));
            md.append('\n');
            table.rows().forEach(r -> row(md, r));
        }
        return md.toString();
    }

    private static void row(StringBuilder md, List<String> cells) {
        md.append('|');
        for (String cell : cells) {
            md.append(' ').append(cell.replace("|", "\\|")).append(" |");
        }
        md.append('\n');
    }
}
