package dev.plt.jobs.bench;

import java.io.PrintStream;
import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * Runs a {@code plt} command in this JVM, as {@code bin/plt} would run it, and times it. Jobs print their
 * summary on stdout; the bench keeps stdout for its markdown, so the command's stdout goes to stderr.
 */
final class InProcessCommand {
    private InProcessCommand() {
    }

    static Timed run(String what, Object command, String... args) {
        PrintStream stdout = System.out;
        Timed.Clock clock = Timed.start();
        int code;
        try {
            System.setOut(System.err);
            code = new CommandLine(command).setErr(new PrintWriter(System.err, true)).execute(args);
        } finally {
            System.setOut(stdout);
        }
        Timed timed = clock.stop();
        if (code != 0) {
            throw new IllegalStateException(what + " exited with " + code + " (see the messages above)");
        }
        return timed;
    }
}
