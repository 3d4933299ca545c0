package dev.plt.jobs.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;

/**
 * A real HDFS for tests: Hadoop's MiniDFSCluster (a NameNode and one DataNode, in this JVM) bound to
 * 127.0.0.1 only, keeping its metadata and blocks under a directory of the caller's. Clients in other
 * JVMs (spark-submit, executors) reach it at {@link #uri()} with Hadoop's default client settings.
 *
 * <p>It needs nothing of the machine: it runs as root or any other user (every JVM of a test runs as the
 * same user, the one that started the NameNode and so its superuser, so HDFS permissions stay on), and
 * it resolves no host name but {@code localhost}.
 */
final class MiniHdfs implements AutoCloseable {
    private static final String LOOPBACK = "127.0.0.1";

    private final MiniDFSCluster cluster;
    private final URI uri;
    private final Configuration conf;
    private final FileSystem fs;

    private MiniHdfs(MiniDFSCluster cluster, Configuration conf) throws IOException {
        this.cluster = cluster;
        this.uri = URI.create("hdfs://" + LOOPBACK + ":" + cluster.getNameNodePort());
        this.conf = new Configuration(conf);
        this.conf.set(FileSystem.FS_DEFAULT_NAME_KEY, uri.toString());
        this.fs = FileSystem.newInstance(uri, this.conf);
    }

    /** Starts a NameNode and one DataNode keeping their files under {@code baseDir} (created if missing). */
    static MiniHdfs start(Path baseDir) throws IOException {
        Path base = Files.createDirectories(baseDir).toAbsolutePath();
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, base.resolve("dfs").toString());
        // Hadoop's own scratch space defaults to /tmp/hadoop-${user.name}, shared by every run of every build.
        conf.set("hadoop.tmp.dir", base.resolve("tmp").toString());
        // MiniDFSCluster binds its RPC and data servers to 127.0.0.1 and sets dfs.replication to the number
        // of DataNodes; its NameNode web server it puts on "localhost", which is pinned to the address here.
        conf.set("dfs.namenode.http-bind-host", LOOPBACK);
        // The NameNode would look the registering DataNode's address up in reverse DNS and refuse it when
        // that finds no name; 127.0.0.1 needs no name.
        conf.setBoolean("dfs.namenode.datanode.registration.ip-hostname-check", false);
        MiniDFSCluster cluster = new MiniDFSCluster.Builder(conf, base.resolve("dfs").toFile())
                .numDataNodes(1)
                .storagesPerDatanode(1)
                .format(true)
                .build();
        try {
            cluster.waitActive();
            return new MiniHdfs(cluster, conf);
        } catch (IOException | RuntimeException e) {
            cluster.shutdown(true);
            throw e;
        }
    }

    /** {@code hdfs://127.0.0.1:PORT}: the NameNode. */
    URI uri() {
        return uri;
    }

    /** The full URI of an absolute path on this file system, e.g. {@code uri("/in/a.jsonl")}. */
    String uri(String absolutePath) {
        if (!absolutePath.startsWith("/")) {
            throw new IllegalArgumentException("not an absolute path: " + absolutePath);
        }
        return uri + absolutePath;
    }

    /** A copy of the client configuration, its default file system this HDFS. */
    Configuration configuration() {
        return new Configuration(conf);
    }

    /** A client of this HDFS, closed with it. */
    FileSystem fileSystem() {
        return fs;
    }

    /** Copies a local file to {@code absolutePath} (parents created) and returns its URI. */
    String copyIn(Path local, String absolutePath) throws IOException {
        org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(uri(absolutePath));
        fs.mkdirs(target.getParent());
        fs.copyFromLocalFile(false, true, new org.apache.hadoop.fs.Path(local.toAbsolutePath().toUri()), target);
        return target.toString();
    }

    boolean exists(String absolutePath) throws IOException {
        return fs.exists(new org.apache.hadoop.fs.Path(uri(absolutePath)));
    }

    /** The content of one file. */
    byte[] readBytes(String absolutePath) throws IOException {
        try (InputStream in = fs.open(new org.apache.hadoop.fs.Path(uri(absolutePath)))) {
            return in.readAllBytes();
        }
    }

    /**
     * The files directly in a directory whose names start with {@code prefix} (e.g. "part-"), by name,
     * in name order; hidden files (Hadoop's {@code _} and {@code .} ones) only when the prefix asks for them.
     */
    Map<String, byte[]> readDirectory(String absolutePath, String prefix) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        for (FileStatus status : fs.listStatus(new org.apache.hadoop.fs.Path(uri(absolutePath)))) {
            String name = status.getPath().getName();
            if (status.isFile() && name.startsWith(prefix)) {
                try (InputStream in = fs.open(status.getPath())) {
                    files.put(name, in.readAllBytes());
                }
            }
        }
        return files;
    }

    /** Every line of the directory's files named {@code prefix*}, file after file in name order. */
    List<String> readLines(String absolutePath, String prefix) throws IOException {
        List<String> lines = new ArrayList<>();
        for (byte[] content : readDirectory(absolutePath, prefix).values()) {
            String text = new String(content, StandardCharsets.UTF_8);
            if (!text.isEmpty()) {
                lines.addAll(text.lines().toList());
            }
        }
        return lines;
    }

    /** Copies a directory (or file) out to a local path that must not exist yet. */
    void copyOut(String absolutePath, Path local) throws IOException {
        fs.copyToLocalFile(false, new org.apache.hadoop.fs.Path(uri(absolutePath)),
                new org.apache.hadoop.fs.Path(local.toAbsolutePath().toUri()), true);
    }

    @Override
    public void close() throws IOException {
        try {
            fs.close();
        } finally {
            cluster.shutdown(true);
        }
    }
}
