package io.github.kimisdk.mcp;

import java.util.List;
import java.util.concurrent.CountDownLatch;

/** MCP listeners that record what a test waits for. */
final class Listeners {

  private Listeners() {}

  /** A listener that adds each progress notification to {@code progress}. */
  static McpListener progressTo(List<McpProgress> progress) {
    return new McpListener() {
      @Override
      public void onProgress(McpClient client, McpProgress p) {
        progress.add(p);
      }
    };
  }

  /** A listener that counts {@code changed} down when the server's tools change. */
  static McpListener toolsChanged(CountDownLatch changed) {
    return new McpListener() {
      @Override
      public void onToolsChanged(McpClient client) {
        changed.countDown();
      }
    };
  }
}
