package dev.plt.jobs.output;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FSDataInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One writer per output: a lock file {@code .NAME.plt-lock} beside the output, created with the file
 * system's own exclusive create (so two jobs racing for it cannot both win), holding its owner (host,
 * process, job, start) and kept fresh by a heartbeat (its modification time, every
 * {@value #HEARTBEAT_SECONDS} s). A second job on the same output is refused with one line naming the
 * owner. A lock whose owner is gone (a process of this host that no longer runs, or a heartbeat older
 * than {@value #STALE_SECONDS} s) is stale: the next job takes it over, so a killed job never blocks its
 * own {@code --resume}. Closing the lock deletes the file.
 */
public final class OutputLock implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OutputLock.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String SUFFIX = ".plt-lock";
    static final long HEARTBEAT_SECONDS = 10;
    static final long STALE_SECONDS = 120;

    private final OutputLocation file;
    private final ScheduledExecutorService heartbeat;

    private OutputLock(OutputLocation file) {
        this.file = file;
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "plt-output-lock-heartbeat");
            t.setDaemon(true);
            return t;
        });
        heartbeat.scheduleAtFixedRate(this::beat, HEARTBEAT_SECONDS, HEARTBEAT_SECONDS, TimeUnit.SECONDS);
    }

    /** The lock file of an output location. */
    public static OutputLocation fileOf(OutputLocation out) {
        return out.sibling(SUFFIX);
    }

    /** Takes the lock of {@code out} for {@code job}, or refuses in one line naming the job that holds it. */
    public static OutputLock acquire(OutputLocation out, String job) {
        OutputLocation file = fileOf(out);
        for (int attempt = 0; attempt < 2; attempt++) {
            if (tryCreate(file, job)) {
                return new OutputLock(file);
            }
            JsonNode owner = readOwner(file);
            if (!isStale(file, owner)) {
                throw new IllegalArgumentException("--output " + out.given() + " is being written by another job ("
                        + describe(owner) + ", lock " + file.path() + "); wait for it to finish");
            }
            LOG.warn("Taking over the stale lock {} ({})", file.path(), describe(owner));
            file.deleteEntry(file.path(), false);
        }
        throw new IllegalArgumentException("--output " + out.given() + ": another job took the lock " + file.path()
                + " at the same moment; run again once it has finished");
    }

    private static boolean tryCreate(OutputLocation file, String job) {
        ObjectNode owner = JSON.createObjectNode();
        owner.put("host", hostName());
        owner.put("pid", ProcessHandle.current().pid());
        owner.put("job", job);
        owner.put("started", Instant.now().toString());
        if (file.isLocal()) {
            try {
                java.nio.file.Files.createDirectories(file.localPath().getParent());
            } catch (java.nio.file.FileAlreadyExistsException e) {
                throw new IllegalArgumentException("--output " + file.given() + ": cannot create its directory: "
                        + e.getFile() + " is a file");
            } catch (IOException e) {
                throw file.failed("cannot create its directory", e);
            }
        }
        try (OutputStream out = exclusiveCreate(file)) {
            out.write(JSON.writeValueAsBytes(owner));
            return true;
        } catch (org.apache.hadoop.fs.FileAlreadyExistsException | java.nio.file.FileAlreadyExistsException e) {
            return false;
        } catch (IOException e) {
            if (file.exists()) {
                return false; // some file systems report an existing file as a plain IOException
            }
            throw file.failed("cannot create the lock file", e);
        }
    }

    /**
     * An exclusive create: O_EXCL on a local disk (Hadoop's local create checks and then creates, which two
     * processes can both pass), the name node's own check on HDFS and other Hadoop file systems.
     */
    private static OutputStream exclusiveCreate(OutputLocation file) throws IOException {
        if (file.isLocal()) {
            return java.nio.file.Files.newOutputStream(file.localPath(), java.nio.file.StandardOpenOption.CREATE_NEW,
                    java.nio.file.StandardOpenOption.WRITE);
        }
        return file.fs().create(file.path(), false);
    }

    private static JsonNode readOwner(OutputLocation file) {
        try (FSDataInputStream in = file.fs().open(file.path())) {
            return JSON.readTree(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            return JSON.createObjectNode(); // being written right now, or damaged: judged by its age alone
        }
    }

    private static boolean isStale(OutputLocation file, JsonNode owner) {
        if (hostName().equals(owner.path("host").asText(null)) && owner.has("pid")) {
            long pid = owner.path("pid").asLong();
            return ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
        }
        try {
            FileStatus status = file.fs().getFileStatus(file.path());
            return System.currentTimeMillis() - status.getModificationTime() > STALE_SECONDS * 1000;
        } catch (IOException e) {
            return true; // gone meanwhile
        }
    }

    private static String describe(JsonNode owner) {
        if (!owner.has("job")) {
            return "owner unknown";
        }
        return owner.path("job").asText() + ", process " + owner.path("pid").asText() + " on "
                + owner.path("host").asText() + ", started " + owner.path("started").asText();
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    private void beat() {
        try {
            file.fs().setTimes(file.path(), System.currentTimeMillis(), -1);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Cannot refresh the output lock {}: {}", file.path(), e.getMessage());
        }
    }

    @Override
    public void close() {
        heartbeat.shutdownNow();
        file.deleteEntry(file.path(), false);
    }
}
