package dev.plt.jobs.cluster;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A real Spark standalone cluster on loopback: one master and one or more workers, each its own JVM
 * started from the Spark jars Maven copied (laid out as a distribution's {@code jars/}). Workers start
 * executors as separate JVMs (their child processes), as on any cluster. Everything binds to 127.0.0.1.
 */
final class LocalStandaloneCluster implements AutoCloseable {
    private final Path sparkHome;
    private final Path workDir;
    private final List<Process> processes = new ArrayList<>();
    private final List<Process> workers = new ArrayList<>();
    private final int masterPort;

    LocalStandaloneCluster(Path sparkHome, Path workDir) throws IOException {
        this.sparkHome = sparkHome;
        this.workDir = workDir;
        this.masterPort = freePort();
    }

    String masterUrl() {
        return "spark://127.0.0.1:" + masterPort;
    }

    Path workDir() {
        return workDir;
    }

    void start(int workerCores, String workerMemory) throws Exception {
        start(1, workerCores, workerMemory);
    }

    /** Starts the master and {@code workerCount} workers; worker i keeps its executors under executors/worker-i. */
    void start(int workerCount, int workerCores, String workerMemory) throws Exception {
        Files.createDirectories(workDir);
        Process master = launch("master", List.of("org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                "--port", String.valueOf(masterPort), "--webui-port", String.valueOf(freePort())));
        waitForLog(workDir.resolve("master.log"), "I have been elected leader", Duration.ofSeconds(90), master);
        for (int i = 0; i < workerCount; i++) {
            String name = "worker-" + i;
            Process worker = launch(name, List.of("org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1",
                    "--cores", String.valueOf(workerCores), "--memory", workerMemory, "--webui-port",
                    String.valueOf(freePort()), "--work-dir", workDir.resolve("executors").resolve(name).toString(),
                    masterUrl()));
            workers.add(worker);
        }
        for (int i = 0; i < workerCount; i++) {
            waitForLog(workDir.resolve("worker-" + i + ".log"), "Successfully registered with master",
                    Duration.ofSeconds(90), workers.get(i));
        }
    }

    /** The worker JVMs, in start order. */
    List<Process> workers() {
        return List.copyOf(workers);
    }

    /** The executor JVMs a worker started and that still run (its descendants running Spark's executor main). */
    static List<ProcessHandle> executorsOf(Process worker) {
        return worker.descendants().filter(ProcessHandle::isAlive)
                .filter(p -> p.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend"))
                .toList();
    }

    /** Runs spark-submit (its main class, on the Spark jars) and returns its exit code. */
    int submit(List<String> arguments, Path log, Duration timeout) throws Exception {
        return waitFor(startSubmit(arguments, log), log, timeout);
    }

    /** Starts spark-submit (its main class, on the Spark jars) without waiting for it. */
    Process startSubmit(List<String> arguments, Path log) throws IOException {
        List<String> command = new ArrayList<>(javaCommand());
        command.add("org.apache.spark.deploy.SparkSubmit");
        command.addAll(arguments);
        // spark-submit inherits this JVM's environment (SPARK_LOCAL_IP is set by the build).
        Process submit = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        processes.add(submit);
        return submit;
    }

    /** Waits for a spark-submit started by {@link #startSubmit} and returns its exit code. */
    static int waitFor(Process submit, Path log, Duration timeout) throws Exception {
        if (!submit.waitFor(timeout.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)) {
            submit.destroyForcibly();
            throw new IllegalStateException("spark-submit did not finish in " + timeout + "; log: " + log);
        }
        return submit.exitValue();
    }

    /** The JVM flags every Spark JVM here gets: the project's own list (conf/jvm.options). */
    static List<String> jvmFlags() throws IOException {
        Path options = Path.of(System.getProperty("user.dir")).resolve("../conf/jvm.options").normalize();
        try (Stream<String> lines = Files.lines(options)) {
            return lines.map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        }
    }

    private List<String> javaCommand() throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(jvmFlags());
        command.add("-Xmx1g");
        command.add("-cp");
        command.add(sparkHome.resolve("jars").toAbsolutePath() + "/*");
        return command;
    }

    private Process launch(String name, List<String> mainAndArgs) throws IOException {
        List<String> command = new ArrayList<>(javaCommand());
        command.addAll(mainAndArgs);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(workDir.resolve(name + ".log").toFile());
        Map<String, String> env = builder.environment();
        env.put("SPARK_HOME", sparkHome.toAbsolutePath().toString());
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        // Spark's launcher (which builds executor commands) needs this without a distribution's RELEASE file.
        env.put("SPARK_SCALA_VERSION", "2.13");
        Process process = builder.start();
        processes.add(process);
        return process;
    }

    private static void waitForLog(Path log, String marker, Duration timeout, Process process) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log).contains(marker)) {
                return;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("process ended before '" + marker + "'; log " + log + ":\n"
                        + Files.readString(log));
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("no '" + marker + "' in " + log + " after " + timeout);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        for (Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }
}
