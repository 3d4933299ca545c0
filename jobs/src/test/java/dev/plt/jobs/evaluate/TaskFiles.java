package dev.plt.jobs.evaluate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Small data files for the task kinds that read one, in the shapes conf/tasks/*.yaml expect. */
final class TaskFiles {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TaskFiles() {
    }

    /** The questions of {@link #multipleChoice}: choices of very different lengths, some not ASCII. */
    static final List<Question> QUESTIONS = List.of(
            new Question("q-capital", "What is the capital of France?", List.of("Paris", "Lyon", "Marseille",
                    "a small village in the mountains"), "A"),
            new Question("q-colour", "Which colour is the sky on a clear day?", List.of("blue", "green",
                    "a deep shade of crimson red", "grey"), "A"),
            new Question("q-cafe", "Where do you drink an espresso?", List.of("café", "bibliothèque",
                    "naïve résumé", "Zürich"), "A"),
            new Question("q-two", "Is water wet?", List.of("yes", "no"), "A"),
            new Question("q-arith", "What is 2 + 3?", List.of("4", "5", "six", "twenty-three", "5.0"), "B"),
            new Question("q-planet", "Which planet is the largest?", List.of("Jupiter", "Mars", "Earth",
                    "the dwarf planet Pluto"), "A"),
            new Question("q-lang", "Which script writes Japanese?", List.of("日本語", "kana and kanji",
                    "Latin", "Ελληνικά"), "B"),
            new Question("q-animal", "Which animal barks?", List.of("dog", "cat", "a very large elephant"), "A"),
            new Question("q-season", "Which season is the coldest?", List.of("winter", "summer", "spring",
                    "autumn"), "A"),
            new Question("q-number", "How many legs does a spider have?", List.of("8", "six", "ten", "4"), "A"),
            new Question("q-metal", "Which metal is liquid at room temperature?", List.of("mercury", "iron",
                    "gold", "aluminium"), "A"),
            new Question("q-music", "How many strings does a violin have?", List.of("four", "5", "six strings",
                    "twelve"), "A"),
            new Question("q-emoji", "Which one is a smile?", List.of("🙂", ":-(", "a frown"), "A"),
            new Question("q-ocean", "Which ocean is the largest?", List.of("Pacific", "Atlantic", "Indian",
                    "Arctic"), "A"));

    /** One ARC-style row: {@code {"id", "question", "choices": {"text", "label"}, "answerKey"}}. */
    record Question(String id, String question, List<String> choices, String answerKey) {
        int gold() {
            return answerKey.charAt(0) - 'A';
        }

        Question withGold(int index) {
            return new Question(id, question, choices, String.valueOf((char) ('A' + index)));
        }
    }

    /** {@link #QUESTIONS} as ARC rows, for task mc_jsonl with its default fields. */
    static Path multipleChoice(Path file) throws IOException {
        return multipleChoice(file, QUESTIONS);
    }

    static Path multipleChoice(Path file, List<Question> questions) throws IOException {
        List<String> lines = new ArrayList<>();
        for (Question q : questions) {
            ObjectNode row = JSON.createObjectNode();
            row.put("id", q.id());
            row.put("question", q.question());
            ObjectNode choices = row.putObject("choices");
            q.choices().forEach(choices.putArray("text")::add);
            for (int c = 0; c < q.choices().size(); c++) {
                choices.withArray("label").add(String.valueOf((char) ('A' + c)));
            }
            row.put("answerKey", q.answerKey());
            lines.add(JSON.writeValueAsString(row));
        }
        return Files.write(file, lines);
    }

    /**
     * GSM8K {@code {"question", "answer"}} rows: {@code eval} gets {@code n} questions, the last one with
     * a reference that has no {@code #### N} (an invalid sample, reported as an error); {@code train}
     * gets few-shot examples.
     */
    static void gsm8k(Path eval, Path train, int n) throws IOException {
        List<String> test = new ArrayList<>();
        for (int i = 0; i < n - 1; i++) {
            test.add(gsm8kRow("Tom has " + (i + 3) + " apples and buys " + (2 * i + 1) + " more. How many apples "
                    + "does he have?", "He has " + (i + 3) + " + " + (2 * i + 1) + " = " + (3 * i + 4)
                    + " apples.\n#### " + (3 * i + 4)));
        }
        test.add(gsm8kRow("What is the answer with no number?", "There is no final number here."));
        Files.write(eval, test);
        List<String> shots = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            shots.add(gsm8kRow("A box holds " + (i + 2) + " pens. How many pens are in " + (i + 1) + " boxes?",
                    (i + 2) + " * " + (i + 1) + " = " + ((i + 2) * (i + 1)) + "\n#### " + ((i + 2) * (i + 1))));
        }
        Files.write(train, shots);
    }

    private static String gsm8kRow(String question, String answer) throws IOException {
        ObjectNode row = JSON.createObjectNode();
        row.put("question", question);
        row.put("answer", answer);
        return JSON.writeValueAsString(row);
    }

    /**
     * Paragraphs separated by blank lines (task perplexity with {@code documents=blank_lines}), each of
     * several hundred characters: with a short --max-length every document has many rolling windows.
     */
    static Path paragraphs(Path file) throws IOException {
        String[] lines = {
            "To be, or not to be, that is the question: whether 'tis nobler in the mind to suffer",
            "the slings and arrows of outrageous fortune, or to take arms against a sea of troubles",
            "and by opposing end them. To die: to sleep; no more; and by a sleep to say we end",
            "the heart-ache and the thousand natural shocks that flesh is heir to, 'tis a consummation",
            "devoutly to be wish'd. To die, to sleep; to sleep: perchance to dream: ay, there's the rub;",
            "for in that sleep of death what dreams may come when we have shuffled off this mortal coil,",
            "must give us pause: there's the respect that makes calamity of so long life; café, naïve, Zürich."};
        StringBuilder text = new StringBuilder();
        for (int p = 0; p < 4; p++) {
            if (p > 0) {
                text.append("\n\n");
            }
            for (int l = 0; l < lines.length; l++) {
                text.append(lines[(l + 2 * p) % lines.length]).append('\n');
            }
        }
        return Files.writeString(file, text.toString());
    }
}
