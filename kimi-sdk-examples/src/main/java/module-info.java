/** Runnable examples for kimi-sdk. They use only what the SDK exports. */
module io.github.kimisdk.examples {
  requires io.github.kimisdk;
  // The MCP examples' client (kimi-sdk-mcp). Optional, so a program of the other examples runs on
  // a module path or a runtime image without it; on the module path McpToolCalling and
  // McpOAuthAgent need --add-modules io.github.kimisdk.mcp.
  requires static io.github.kimisdk.mcp;
  // The agent loop (kimi-sdk-agents) of the examples that run tools: ToolCalling, TypedOutput, the
  // MCP examples, ApprovalRun, CrashResume, LongRun, Subagents. Optional, as the MCP client is, so
  // a program of the other examples runs without it: on the module path those need --add-modules
  // io.github.kimisdk.agents.
  requires static io.github.kimisdk.agents;
  // Budgets (kimi-sdk-budget), which the guides' snippets compiled against the examples' module
  // path use. Optional: no example program needs it at run time.
  requires static io.github.kimisdk.budget;
  // BulkRun's batch runner (kimi-sdk-batch). Optional, as the agents are: on the module path
  // BulkRun needs --add-modules io.github.kimisdk.batch.
  requires static io.github.kimisdk.batch;
  // The host check (kimi-sdk-hostcheck) of docs/hosts.md's snippets. Optional: no example program
  // needs it at run time.
  requires static io.github.kimisdk.hostcheck;
  // FakeKimiServer (kimi-sdk-testing), which the examples use offline; it brings jdk.httpserver.
  requires io.github.kimisdk.testing;
  // McpOAuthAgent's own authorization and MCP servers, on loopback.
  requires jdk.httpserver;
  // KimiChat catches Ctrl-C with sun.misc.Signal to stop a reply without leaving. Optional, so a
  // minimal runtime image needs no jdk.unsupported: on the module path add it with
  // --add-modules jdk.unsupported; without it Ctrl-C simply exits.
  requires static jdk.unsupported;

  // TypedOutput's records are read by the SDK (schemas, binding); a named module has to let it.
  opens io.github.kimisdk.examples to
      io.github.kimisdk;
}
