package com.example.temporal;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.testing.FakeKimiServer;
import io.temporal.testserver.TestServer;
import java.net.ServerSocket;

/**
 * The worker and the client in one JVM: Temporal's Java test server on a free port when no
 * TEMPORAL_ADDRESS is set, FakeKimiServer when no API key is set, the worker, and the client's run
 * approved by id and digest. With both set it runs against your Temporal and Kimi.
 */
public final class Demo {
  private Demo() {}

  public static void main(String[] args) throws Exception {
    String address = System.getenv("TEMPORAL_ADDRESS");
    TestServer.PortBoundTestServer server = null;
    if (address == null) {
      int port;
      try (ServerSocket s = new ServerSocket(0)) {
        port = s.getLocalPort();
      }
      server = TestServer.createPortBoundServer(port);
      address = "127.0.0.1:" + port;
      System.out.println("No TEMPORAL_ADDRESS: using Temporal's Java test server at " + address);
    }
    boolean offline =
        System.getenv("MOONSHOT_API_KEY") == null && System.getenv("KIMI_API_KEY") == null;
    FakeKimiServer fake = offline ? new FakeKimiServer().start() : null;
    if (offline) {
      System.out.println("No API key: using FakeKimiServer at " + fake.baseUrl() + " (offline)");
    }
    try (KimiClient kimi =
            offline
                ? KimiClient.builder().apiKey("sk-offline").baseUrl(fake.baseUrl()).build()
                : KimiClient.fromEnv();
        PaymentsWorker worker = new PaymentsWorker(address, kimi)) {
      PaymentsClient.payInvoice(address, "invoice-42");
      System.out.println("bank: " + worker.transfers().size() + " transfer made");
    } finally {
      if (fake != null) {
        fake.close();
      }
      if (server != null) {
        server.close();
      }
    }
  }
}
