package io.github.kimisdk.redis;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A Redis Cluster of redis-server processes on loopback: masters with one replica each, made by
 * {@code redis-cli --cluster create}; a master killed ({@code kill -9}) is replaced by its replica
 * {@code nodeTimeoutMillis} (and an election) later.
 */
final class RedisCluster implements AutoCloseable {

  final List<RedisServer> nodes = new ArrayList<>();

  private RedisCluster() {}

  /** Starts {@code 2 * masters} nodes and makes them a cluster, waiting until it serves. */
  static RedisCluster start(int masters, long nodeTimeoutMillis) throws IOException {
    RedisCluster c = new RedisCluster();
    try {
      for (int i = 0; i < 2 * masters; i++) {
        c.nodes.add(RedisServer.startClusterNode(nodeTimeoutMillis));
      }
      List<String> create = new ArrayList<>(List.of("--cluster", "create"));
      for (RedisServer n : c.nodes) {
        create.add("127.0.0.1:" + n.port());
      }
      create.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
      String out = c.nodes.get(0).cli(create.toArray(String[]::new));
      if (!out.contains("All 16384 slots covered")) {
        throw new IOException("redis-cli --cluster create failed: " + out);
      }
      c.awaitServing(Duration.ofSeconds(30));
      return c;
    } catch (IOException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  /** Returns the ports of the nodes, the seeds a client is given. */
  List<Integer> ports() {
    return nodes.stream().map(RedisServer::port).toList();
  }

  /** Returns the running node that is the master of {@code key}'s slot. */
  RedisServer masterOf(String key) throws IOException {
    RedisServer any = nodes.stream().filter(RedisServer::running).findFirst().orElseThrow();
    long slot = Long.parseLong(any.cli("cluster", "keyslot", key).trim());
    for (String line : any.cli("cluster", "nodes").split("\n")) {
      String[] w = line.trim().split(" ");
      if (w.length < 9 || !w[2].contains("master") || w[2].contains("fail")) {
        continue;
      }
      for (int i = 8; i < w.length; i++) {
        String[] range = w[i].split("-");
        if (range[0].startsWith("[")) {
          continue; // a slot being migrated
        }
        long from = Long.parseLong(range[0]);
        long to = range.length > 1 ? Long.parseLong(range[1]) : from;
        if (slot >= from && slot <= to) {
          int port = Integer.parseInt(w[1].substring(w[1].indexOf(':') + 1, w[1].indexOf('@')));
          return nodes.stream().filter(n -> n.port() == port).findFirst().orElseThrow();
        }
      }
    }
    throw new IOException("no master serves the slot of " + key);
  }

  /**
   * Returns the replica of {@code master}, waiting up to 30 s for the master to learn of it: right
   * after the cluster is made, gossip may not have told the master yet (seen on a loaded machine).
   */
  RedisServer replicaOf(RedisServer master) throws IOException {
    long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      RedisServer replica = knownReplicaOf(master);
      if (replica != null) {
        return replica;
      }
      if (System.nanoTime() - end > 0) {
        throw new IOException("no replica of the master on port " + master.port() + " within 30 s");
      }
      pause();
    }
  }

  private RedisServer knownReplicaOf(RedisServer master) throws IOException {
    String id = null;
    String[] lines = master.cli("cluster", "nodes").split("\n");
    for (String line : lines) {
      if (line.contains("myself")) {
        id = line.substring(0, line.indexOf(' '));
      }
    }
    for (String line : lines) {
      String[] w = line.trim().split(" ");
      if (w.length > 3 && w[2].contains("slave") && w[3].equals(id)) {
        int port = Integer.parseInt(w[1].substring(w[1].indexOf(':') + 1, w[1].indexOf('@')));
        return nodes.stream().filter(n -> n.port() == port).findFirst().orElseThrow();
      }
    }
    return null;
  }

  /**
   * Waits until every running node says the cluster is ok and {@code key}'s slot has a running
   * master other than {@code not}: after a failover, the promoted replica. Returns it.
   */
  RedisServer awaitMasterOf(String key, RedisServer not, Duration cap) throws IOException {
    long end = System.nanoTime() + cap.toNanos();
    while (true) {
      try {
        awaitServing(Duration.ofMillis(Math.max(1, (end - System.nanoTime()) / 1_000_000)));
        RedisServer m = masterOf(key);
        if (m != not && m.running()) {
          return m;
        }
      } catch (IOException e) {
        if (System.nanoTime() - end > 0) {
          throw e;
        }
      }
      if (System.nanoTime() - end > 0) {
        throw new IOException("no other master took over the slot of " + key + " within " + cap);
      }
      pause();
    }
  }

  private void awaitServing(Duration cap) throws IOException {
    long end = System.nanoTime() + cap.toNanos();
    for (RedisServer n : nodes) {
      while (n.running() && !n.cli("cluster", "info").contains("cluster_state:ok")) {
        if (System.nanoTime() - end > 0) {
          throw new IOException("the cluster did not become ok within " + cap);
        }
        pause();
      }
    }
  }

  private static void pause() {
    try {
      Thread.sleep(50); // polls the nodes' own state, which they change on their own clock
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    for (RedisServer n : nodes) {
      n.close();
    }
  }
}
