package io.github.kimisdk.redis;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;

/**
 * A redis-server of the machine's packages on a free loopback port, without persistence (a
 * replica's sync snapshot, a cluster node's configuration and a sentinel's go to the temporary
 * directory), stopped by its process id. It is ready when it logs that it accepts connections (a
 * sentinel: that it monitors its master).
 */
final class RedisServer implements AutoCloseable {

  private static final Path TMP = Path.of(System.getProperty("java.io.tmpdir"));

  private final int port;
  private final List<String> extra;
  private final String ready;
  private final List<Path> files = new ArrayList<>();
  private Process process;

  RedisServer(int port, List<String> extra, String ready) {
    this.port = port;
    this.extra = extra;
    this.ready = ready;
  }

  /** Starts a server on a free loopback port. */
  static RedisServer start() throws IOException {
    return start(List.of());
  }

  /** Starts a replica of the server on {@code primary}'s port, on a free loopback port. */
  static RedisServer startReplicaOf(int primary) throws IOException {
    return start(List.of("--replicaof", "127.0.0.1", Integer.toString(primary)));
  }

  /**
   * Starts a cluster node (not yet in a cluster: see {@link RedisCluster}) on a free loopback port,
   * its bus on another, a failed master's replica taking over {@code nodeTimeoutMillis} after.
   */
  static RedisServer startClusterNode(long nodeTimeoutMillis) throws IOException {
    return startOnFreePorts(
        2,
        ports -> {
          RedisServer r =
              new RedisServer(
                  ports[0],
                  List.of(
                      "--cluster-enabled",
                      "yes",
                      "--cluster-port",
                      Integer.toString(ports[1]),
                      "--cluster-config-file",
                      "kimi-sdk-redis-nodes-" + ports[0] + ".conf",
                      "--cluster-node-timeout",
                      Long.toString(nodeTimeoutMillis)),
                  "Ready to accept connections");
          r.files.add(TMP.resolve("kimi-sdk-redis-nodes-" + ports[0] + ".conf"));
          return r;
        });
  }

  /**
   * Starts a sentinel of the master {@code name} on {@code master}'s port, on a free loopback port:
   * alone, it agrees the master is down {@code downAfterMillis} after it stops answering.
   */
  static RedisServer startSentinel(String name, int master, long downAfterMillis)
      throws IOException {
    return startOnFreePorts(
        1,
        ports -> {
          Path conf = TMP.resolve("kimi-sdk-redis-sentinel-" + ports[0] + ".conf");
          Files.writeString(
              conf,
              String.join(
                  "\n",
                  "port " + ports[0],
                  "bind 127.0.0.1",
                  "dir " + TMP,
                  "sentinel monitor " + name + " 127.0.0.1 " + master + " 1",
                  "sentinel down-after-milliseconds " + name + " " + downAfterMillis,
                  "sentinel failover-timeout " + name + " 10000",
                  ""));
          RedisServer r =
              new RedisServer(ports[0], List.of(conf.toString(), "--sentinel"), "+monitor");
          r.files.add(conf);
          return r;
        });
  }

  private static RedisServer start(List<String> extra) throws IOException {
    return startOnFreePorts(
        1, ports -> new RedisServer(ports[0], extra, "Ready to accept connections"));
  }

  /** A server to start on the given free ports, not yet started. */
  interface OnPorts {
    RedisServer make(int[] ports) throws IOException;
  }

  /**
   * Starts the server {@code make} gives on {@code count} distinct free ports, and again on fresh
   * ones when a port was taken between being found free and redis-server binding it (another
   * process's connection may take it meanwhile, as seen on a loaded machine).
   */
  static RedisServer startOnFreePorts(int count, OnPorts make) throws IOException {
    PortTaken taken = null;
    for (int attempt = 0; attempt < 5; attempt++) {
      RedisServer r = make.make(freePorts(count));
      try {
        r.restart();
        return r;
      } catch (PortTaken e) {
        r.close();
        taken = e;
      } catch (IOException | RuntimeException e) {
        r.close();
        throw e;
      }
    }
    throw taken;
  }

  /** Returns a free loopback port. */
  static int freePort() throws IOException {
    return freePorts(1)[0];
  }

  /** Returns {@code count} distinct free loopback ports, each held open until all are found. */
  static int[] freePorts(int count) throws IOException {
    List<ServerSocket> held = new ArrayList<>();
    try {
      int[] ports = new int[count];
      for (int i = 0; i < count; i++) {
        ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        held.add(s);
        ports[i] = s.getLocalPort();
      }
      return ports;
    } finally {
      for (ServerSocket s : held) {
        s.close();
      }
    }
  }

  /** redis-server ended before it was ready because a port it was given was in use. */
  static final class PortTaken extends IOException {
    private static final long serialVersionUID = 1L;

    PortTaken(String message) {
      super(message);
    }
  }

  /** Starts the server again on the same port, after {@link #stop()}. */
  void restart() throws IOException {
    List<String> command = new ArrayList<>();
    command.add("redis-server");
    if (extra.contains("--sentinel")) {
      command.addAll(extra); // a configuration file, then --sentinel
    } else {
      command.addAll(
          List.of(
              "--port",
              Integer.toString(port),
              "--bind",
              "127.0.0.1",
              "--save",
              "",
              "--appendonly",
              "no",
              "--dir", // where a replica's sync writes its snapshot: never the work tree
              TMP.toString(),
              "--dbfilename",
              "kimi-sdk-redis-" + port + ".rdb"));
      command.addAll(extra);
    }
    process = new ProcessBuilder(command).redirectErrorStream(true).start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    ArrayDeque<String> last = new ArrayDeque<>(); // what it said before it ended, for the error
    String line;
    while ((line = out.readLine()) != null) {
      if (line.contains(ready)) {
        Thread drain = new Thread(() -> out.lines().forEach(l -> {}), "redis-server output");
        drain.setDaemon(true);
        drain.start();
        return;
      }
      if (last.size() == 8) {
        last.removeFirst();
      }
      last.addLast(line.length() > 300 ? line.substring(0, 300) : line);
    }
    String said = String.join("\n", last);
    String message =
        "redis-server on port " + port + " ended before it was ready; its last lines:\n" + said;
    throw said.contains("Address already in use")
        ? new PortTaken(message)
        : new IOException(message);
  }

  /** Makes this replica a primary ({@code REPLICAOF NO ONE}, through redis-cli). */
  void promote() throws IOException {
    String out = cli("replicaof", "no", "one");
    if (!out.trim().equals("OK")) {
      throw new IOException("redis-cli replicaof no one answered: " + out);
    }
  }

  /** Runs redis-cli against this server with {@code args} and returns what it printed. */
  String cli(String... args) throws IOException {
    List<String> command =
        new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p", Integer.toString(port)));
    command.addAll(List.of(args));
    Process cli = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!cli.waitFor(10, TimeUnit.SECONDS)) {
        cli.destroyForcibly();
        throw new IOException("redis-cli " + command + " did not end");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    return out;
  }

  int port() {
    return port;
  }

  boolean running() {
    return process != null && process.isAlive();
  }

  /** Returns a client with short timeouts, as the store wants. */
  RedisClient client() {
    return RedisClient.builder()
        .hostAndPort("127.0.0.1", port)
        .clientConfig(
            DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(500)
                .socketTimeoutMillis(500)
                .build())
        .build();
  }

  /** Stops the server ({@code kill -9}) by its process id and waits until it is gone. */
  void stop() {
    if (process != null) {
      long pid = process.pid();
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
      process.onExit().orTimeout(10, TimeUnit.SECONDS).join();
      process = null;
    }
  }

  @Override
  public void close() {
    stop();
    files.add(TMP.resolve("kimi-sdk-redis-" + port + ".rdb"));
    for (Path f : files) {
      try {
        Files.deleteIfExists(f);
      } catch (IOException e) {
        // a file left in the temporary directory
      }
    }
  }
}
