package dev.plt.jobs.bench;

import static dev.plt.jobs.evaluate.HtmlReport.escape;

import java.util.List;
import java.util.Locale;

/**
 * bench.html: decode ms/step as inline SVG bar charts (one per dtype and batch size, bars per variant;
 * no scripts, no external files), then every table of the report.
 */
final class BenchHtml {
    private static final String[] COLORS = {"#4e79a7", "#f28e2b", "#e15759", "#59a14f", "#76b7b2", "#b07aa1"};
    private static final int WIDTH = 320;
    private static final int HEIGHT = 220;
    private static final int TOP = 40;
    private static final int BOTTOM = 40;

    private BenchHtml() {
    }

    static String render(BenchReport report) {
        StringBuilder html = new StringBuilder();
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>plt bench</title>\n<style>")
                .append("body{font-family:sans-serif;margin:2em;max-width:80em}table{border-collapse:collapse;margin:.5em 0}")
                .append("td,th{border:1px solid #ccc;padding:.25em .5em;text-align:left}svg{margin:0 1em 1em 0}")
                .append("</style></head><body>\n<h1>plt bench</h1>\n<p>").append(escape(BenchTables.summary(report)))
                .append("</p>\n<h2>Decode ms/step (lower is better)</h2>\n");
        for (String dtype : report.settings().dtypes()) {
            html.append("<div>");
            for (int batch : report.settings().batches()) {
                html.append(chart(report, dtype, batch));
            }
            html.append("</div>\n");
        }
        for (BenchTables.Table table : BenchTables.of(report)) {
            html.append("<h2>").append(escape(table.title())).append("</h2>\n<table><tr>");
            table.header().forEach(h -> html.append("<th>").append(escape(h)).append("</th>"));
            html.append("</tr>\n");
            for (List<String> row : table.rows()) {
                html.append("<tr>");
                row.forEach(cell -> html.append("<td>").append(escape(cell)).append("</td>"));
                html.append("</tr>\n");
            }
            html.append("</table>\n");
        }
        return html.append("</body></html>\n").toString();
    }

    /** One bar per variant, scaled to the slowest bar of this dtype and batch. */
    private static String chart(BenchReport report, String dtype, int batch) {
        List<String> variants = report.settings().variants();
        double[] ms = new double[variants.size()];
        double max = 0;
        for (int i = 0; i < ms.length; i++) {
            ms[i] = Ratios.decode(report.decode(), variants.get(i), dtype, batch).map(BenchReport.Decode::msPerStep)
                    .orElse(0.0);
            max = Math.max(max, ms[i]);
        }
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "role=\"img\"><title>%s, batch %d</title>", WIDTH, HEIGHT, escape(dtype), batch));
        svg.append(String.format(Locale.ROOT, "<text x=\"4\" y=\"16\" font-size=\"13\" font-weight=\"bold\">%s, batch %d"
                + " (ms/step)</text>", escape(dtype), batch));
        int plot = HEIGHT - TOP - BOTTOM;
        double slot = (double) WIDTH / ms.length;
        for (int i = 0; i < ms.length; i++) {
            double h = max > 0 ? plot * ms[i] / max : 0;
            double x = i * slot + slot * 0.15;
            double y = TOP + plot - h;
            svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>",
                    x, y, slot * 0.7, h, COLORS[i % COLORS.length]));
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"middle\">%s"
                    + "</text>", x + slot * 0.35, y - 3, ms[i] > 0 ? BenchTables.ms(ms[i]) : "-"));
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%s"
                    + "</text>", x + slot * 0.35, HEIGHT - BOTTOM + 16, escape(variants.get(i))));
        }
        return svg.append("</svg>").toString();
    }
}
