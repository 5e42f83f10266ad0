package io.github.kimisdk.redis;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;

/**
 * A redis-server of the machine's packages on a free loopback port, without persistence (a
 * replica's sync snapshot goes to the temporary directory), stopped by its process id. It is ready
 * when it logs that it accepts connections.
 */
final class RedisServer implements AutoCloseable {

  private final int port;
  private final List<String> extra;
  private Process process;

  private RedisServer(int port, List<String> extra) {
    this.port = port;
    this.extra = extra;
  }

  /** Starts a server on a free loopback port. */
  static RedisServer start() throws IOException {
    return start(List.of());
  }

  /** Starts a replica of the server on {@code primary}'s port, on a free loopback port. */
  static RedisServer startReplicaOf(int primary) throws IOException {
    return start(List.of("--replicaof", "127.0.0.1", Integer.toString(primary)));
  }

  private static RedisServer start(List<String> extra) throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    RedisServer r = new RedisServer(port, extra);
    r.restart();
    return r;
  }

  /** Starts the server again on the same port, after {@link #stop()}. */
  void restart() throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                "redis-server",
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir", // where a replica's sync writes its snapshot: never the work tree
                System.getProperty("java.io.tmpdir"),
                "--dbfilename",
                "kimi-sdk-redis-" + port + ".rdb"));
    command.addAll(extra);
    process = new ProcessBuilder(command).redirectErrorStream(true).start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = out.readLine()) != null) {
      if (line.contains("Ready to accept connections")) {
        Thread drain = new Thread(() -> out.lines().forEach(l -> {}), "redis-server output");
        drain.setDaemon(true);
        drain.start();
        return;
      }
    }
    throw new IOException("redis-server on port " + port + " ended before it was ready");
  }

  /** Makes this replica a primary ({@code REPLICAOF NO ONE}, through redis-cli). */
  void promote() throws IOException, InterruptedException {
    Process cli =
        new ProcessBuilder(
                "redis-cli",
                "-h",
                "127.0.0.1",
                "-p",
                Integer.toString(port),
                "replicaof",
                "no",
                "one")
            .redirectErrorStream(true)
            .start();
    String out = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!cli.waitFor(10, TimeUnit.SECONDS) || !out.trim().equals("OK")) {
      throw new IOException("redis-cli replicaof no one answered: " + out);
    }
  }

  int port() {
    return port;
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

  /** Stops the server by its process id and waits until it is gone. */
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
    try {
      java.nio.file.Files.deleteIfExists(
          java.nio.file.Path.of(
              System.getProperty("java.io.tmpdir"), "kimi-sdk-redis-" + port + ".rdb"));
    } catch (IOException e) {
      // a snapshot left in the temporary directory
    }
  }
}
