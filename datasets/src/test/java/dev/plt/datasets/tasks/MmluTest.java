package dev.plt.datasets.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.plt.datasets.SharedDatasets;
import dev.plt.datasets.tasks.mmlu.MmluCsv;
import dev.plt.datasets.tasks.mmlu.MmluRow;
import dev.plt.datasets.tasks.mmlu.MmluSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MmluTest {
    private static final String HEADER =
            "The following are multiple choice questions (with answers) about abstract algebra.\n\n";
    private static final String TEST_ROW_0 =
            "Find the degree for the given field extension Q(sqrt(2), sqrt(3), sqrt(18)) over Q.\n"
            + "A. 0\nB. 4\nC. 2\nD. 6\nAnswer:";
    private static final String[] DEV = {
        "Find all c in Z_3 such that Z_3[x]/(x^2 + c) is a field.\nA. 0\nB. 1\nC. 2\nD. 3\nAnswer: B\n\n",
        "Statement 1 | If aH is an element of a factor group, then |aH| divides |a|. Statement 2 | If H and K are"
            + " subgroups of G then HK is a subgroup of G.\nA. True, True\nB. False, False\nC. True, False\n"
            + "D. False, True\nAnswer: B\n\n",
        "Statement 1 | Every element of a group generates a cyclic subgroup of the group. Statement 2 | The"
            + " symmetric group S_10 has 10 elements.\nA. True, True\nB. False, False\nC. True, False\n"
            + "D. False, True\nAnswer: C\n\n",
        "Statement 1| Every function from a finite set onto itself must be one to one. Statement 2 | Every"
            + " subgroup of an abelian group is abelian.\nA. True, True\nB. False, False\nC. True, False\n"
            + "D. False, True\nAnswer: A\n\n",
        "Find the characteristic of the ring 2Z.\nA. 0\nB. 3\nC. 12\nD. 30\nAnswer: A\n\n",
    };

    private static Sample firstAbstractAlgebraTestSample(Path mmlu, int shots) {
        MmluSource source = new MmluSource(mmlu.toString(), "test", "dev", shots, List.of("abstract_algebra"));
        return source.subjectSamples("abstract_algebra").get(0);
    }

    private static String context(Sample s) {
        return ((LoglikelihoodRequest) s.requests().get(0)).context();
    }

    @Test
    void realPromptOneShot() {
        Path mmlu = SharedDatasets.require("mmlu");
        Sample s = firstAbstractAlgebraTestSample(mmlu, 1);
        assertEquals(HEADER + DEV[0] + TEST_ROW_0, context(s));
        assertEquals("abstract_algebra/test/0", s.id());
        assertEquals("abstract_algebra", s.subject());
        assertEquals(1, s.gold());
        assertEquals(List.of(" A", " B", " C", " D"),
                s.requests().stream().map(r -> ((LoglikelihoodRequest) r).continuation()).toList());
    }

    @Test
    void realPromptFiveShotAndZeroShot() {
        Path mmlu = SharedDatasets.require("mmlu");
        assertEquals(HEADER + String.join("", DEV) + TEST_ROW_0, context(firstAbstractAlgebraTestSample(mmlu, 5)));
        assertEquals(HEADER + TEST_ROW_0, context(firstAbstractAlgebraTestSample(mmlu, 0)));
    }

    @Test
    void realFilesParseToTheDocumentedRowCounts() {
        Path mmlu = SharedDatasets.require("mmlu");
        assertEquals(285, count(mmlu, "dev"));
        assertEquals(1542, count(mmlu, "val"));
        assertEquals(14079, count(mmlu, "test"));
        assertEquals(57, new MmluSource(mmlu.toString(), "test", "dev", 0, List.of()).availableSubjects().size());
    }

    private static int count(Path mmlu, String split) {
        return new MmluSource(mmlu.toString(), split, "dev", 0, List.of()).availableSubjects().stream()
                .mapToInt(subject -> MmluCsv.read(mmlu.resolve(split).resolve(subject + "_" + split + ".csv")).size())
                .sum();
    }

    @Test
    void quotedFieldsWithCommasQuotesAndNewlinesParse(@TempDir Path dir) throws IOException {
        writeSubject(dir, "dev", "tiny_subject", "\"Dev, q\",a,b,c,d,C\n");
        writeSubject(dir, "test", "tiny_subject",
                "\"Line one\nline \"\"two\"\"  \",\"1,5\",x,y,z,A\nplain,p,q,r,s,D\n");
        List<MmluRow> rows = MmluCsv.read(dir.resolve("test/tiny_subject_test.csv"));
        assertEquals(2, rows.size());
        assertEquals("Line one\nline \"two\"  ", rows.get(0).question());
        assertEquals("1,5", rows.get(0).options().get(0));

        Sample s = new MmluSource(dir.toString(), "test", "dev", 1, List.of()).load().get(0);
        assertEquals("The following are multiple choice questions (with answers) about tiny subject.\n\n"
                + "Dev, q\nA. a\nB. b\nC. c\nD. d\nAnswer: C\n\n"
                + "Line one\nline \"two\"\nA. 1,5\nB. x\nC. y\nD. z\nAnswer:", context(s),
                "the question is stripped as lm-eval's question.strip()");
        assertEquals(0, s.gold());
    }

    @Test
    void tooManyShotsAndBadAnswersAreErrors(@TempDir Path dir) throws IOException {
        writeSubject(dir, "dev", "s", "q,a,b,c,d,A\n");
        writeSubject(dir, "test", "s", "q,a,b,c,d,A\n");
        assertThrows(IllegalArgumentException.class,
                () -> new MmluSource(dir.toString(), "test", "dev", 2, List.of()).load());
        writeSubject(dir, "test", "s", "q,a,b,c,d,E\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new MmluSource(dir.toString(), "test", "dev", 0, List.of()).load());
        assertEquals(true, e.getMessage().contains("record 1"), e.getMessage());
    }

    private static void writeSubject(Path root, String split, String subject, String csv) throws IOException {
        Files.createDirectories(root.resolve(split));
        Files.writeString(root.resolve(split).resolve(subject + "_" + split + ".csv"), csv);
    }
}
