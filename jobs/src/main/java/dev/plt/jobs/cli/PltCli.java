package dev.plt.jobs.cli;

import dev.plt.datasets.readers.MalformedInputException;
import dev.plt.jobs.batch.GenerateCommand;
import dev.plt.jobs.batch.ScoreCommand;
import dev.plt.jobs.options.ExitCodes;
import dev.plt.jobs.output.OutputErrors;
import dev.plt.model.config.ConfigException;
import dev.plt.model.io.ModelFileException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code bin/plt}: the command line. Each subcommand is a small class; bad options get picocli's
 * message naming the option, and a bad model gets one line naming the file, tensor or key.
 */
@Command(name = "plt", mixinStandardHelpOptions = true, version = "plt 0.1.0",
        description = "Parallel Loop Transformer inference: scoring, generation, evaluation and benchmarks.",
        subcommands = {InferCommand.class, ScoreCommand.class, GenerateCommand.class, EvaluateCommand.class,
            InitRandomCommand.class, TaskDataCommand.class, BenchCommand.class, ExportGgufCommand.class})
public final class PltCli implements Runnable {
    /** Exit codes, see {@link ExitCodes}. */
    public static final int EXIT_ROW_ERRORS = ExitCodes.ROW_ERRORS;
    public static final int EXIT_BAD_SETUP = ExitCodes.BAD_SETUP;
    public static final int EXIT_RUNTIME_FAILURE = ExitCodes.RUNTIME_FAILURE;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        // bin/plt with no command: the usage, and a non-zero exit so a script notices it ran nothing.
        spec.commandLine().usage(spec.commandLine().getErr());
        throw new CommandLine.ParameterException(spec.commandLine(), "give a command: infer, score, generate, "
                + "evaluate, init-random, task-data, bench or export-gguf");
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit code. */
    public static int execute(String... args) {
        return execute(new java.io.PrintWriter(System.err, true), args);
    }

    /** Runs the command line with messages going to {@code err} (tests read them). */
    public static int execute(java.io.PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new PltCli());
        cli.setErr(err);
        cli.setDefaultValueProvider(defaultsFile().map(CommandLine.PropertiesDefaultProvider::new)
                .orElseGet(PltCli::builtInDefaults));
        cli.setParameterExceptionHandler((e, arguments) -> {
            // One line for a scheduler's log, not the whole usage text: the option and what is wrong with it.
            String command = e.getCommandLine().getCommandName();
            e.getCommandLine().getErr().println("plt " + command + ": " + OutputErrors.firstLine(e.getMessage())
                    + " (see: plt " + (command.equals("plt") ? "" : command + " ") + "--help)");
            return EXIT_BAD_SETUP;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("plt " + commandLine.getCommandName() + ": " + describe(e));
            if (System.getenv("PLT_DEBUG") != null) { // the one line is for users; the trace is for a bug report
                e.printStackTrace(new java.io.PrintWriter(commandLine.getErr(), true));
            }
            return exitCode(e);
        });
        try {
            return cli.execute(args);
        } catch (OutOfMemoryError | StackOverflowError e) {
            // The JVM's own limits: one line with what to do, not a trace (picocli passes Errors through).
            err.println("plt: " + describe(e));
            return EXIT_RUNTIME_FAILURE;
        }
    }

    /** The option defaults inside the jar (a copy of conf/plt.properties), for a job run from the jar alone. */
    static CommandLine.PropertiesDefaultProvider builtInDefaults() {
        java.util.Properties defaults = new java.util.Properties();
        try (java.io.InputStream in = PltCli.class.getResourceAsStream("/dev/plt/plt.properties")) {
            if (in != null) {
                defaults.load(in);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read the built-in option defaults: " + e.getMessage(), e);
        }
        return new CommandLine.PropertiesDefaultProvider(defaults);
    }

    /** conf/plt.properties of the installation (or $PLT_DEFAULTS): option defaults the command line overrides. */
    static java.util.Optional<java.io.File> defaultsFile() {
        String explicit = System.getenv("PLT_DEFAULTS");
        java.io.File file = explicit != null ? new java.io.File(explicit)
                : new java.io.File(System.getProperty("plt.home", "."), "conf/plt.properties");
        return file.isFile() ? java.util.Optional.of(file) : java.util.Optional.empty();
    }

    /**
     * 2 for what the user can fix before running again (an option, the model, the input, the output place,
     * all found before any work), 4 for a failure while running (memory, disk, permissions, Spark).
     */
    static int exitCode(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConfigException || t instanceof ModelFileException || t instanceof MalformedInputException) {
                return EXIT_BAD_SETUP;
            }
            if (t instanceof OutOfMemoryError || t instanceof StackOverflowError) {
                return EXIT_RUNTIME_FAILURE;
            }
        }
        if (OutputErrors.isStorageFailure(e)) {
            return EXIT_RUNTIME_FAILURE;
        }
        if (e instanceof IllegalArgumentException || e instanceof java.io.UncheckedIOException
                || e instanceof java.nio.file.NoSuchFileException) {
            return EXIT_BAD_SETUP;
        }
        return EXIT_RUNTIME_FAILURE;
    }

    /**
     * One line for a failed job. A bad model found on an executor (NaN weights) reaches the driver
     * wrapped in Spark's job-abort exception, with the executor's stack trace in its message; the
     * cause chain still holds the original, whose message is the line to show.
     */
    static String describe(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConfigException || t instanceof ModelFileException
                    || t instanceof MalformedInputException) {
                return OutputErrors.firstLine(t.getMessage());
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof OutOfMemoryError) {
                return "out of memory (" + OutputErrors.firstLine(t.getMessage()) + "): give the JVM more heap "
                        + "(PLT_JAVA_OPTS=-Xmx8g, or spark.driver/executor.memory) or lower --batch-size / --kv-budget";
            }
            if (t instanceof StackOverflowError) {
                return "stack overflow: an input nested too deeply? give the JVM a larger stack (PLT_JAVA_OPTS=-Xss8m)";
            }
        }
        if (e instanceof IllegalArgumentException || e instanceof java.io.UncheckedIOException) {
            return OutputErrors.firstLine(e.getMessage());
        }
        if (OutputErrors.isStorageFailure(e)) {
            return OutputErrors.describe(e); // a full disk or a permission, inside Spark's trace
        }
        if (e instanceof java.nio.file.NoSuchFileException missing) {
            return missing.getFile() + ": no such file";
        }
        return e.getClass().getSimpleName() + ": " + OutputErrors.firstLine(e.getMessage());
    }
}
