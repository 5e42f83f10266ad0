package io.github.kimisdk.examples;

import io.github.kimisdk.agents.Agent;
import io.github.kimisdk.agents.RunResult;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.mcp.McpAuthorization;
import io.github.kimisdk.mcp.McpClient;
import io.github.kimisdk.mcp.McpException;
import io.github.kimisdk.mcp.McpSampling;
import io.github.kimisdk.mcp.McpServerInfo;
import io.github.kimisdk.mcp.McpTool;
import io.github.kimisdk.mcp.McpUserAgent;
import io.github.kimisdk.mcp.kimi.KimiSampling;
import io.github.kimisdk.mcp.kimi.McpToolset;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/**
 * A tool-calling agent on Kimi (an {@link Agent} in memory) whose tools come from an MCP server
 * that requires OAuth, and whose server asks Kimi for completions of its own (sampling). The client
 * does all of OAuth: it reads the server's 401, finds its authorization server, registers itself,
 * has the user approve (PKCE, the server as the token's resource, the issuer checked), and sends
 * the token; no HTTP is written here.
 *
 * <p>By default both servers run in this process ({@link NotesOAuthServers}: an authorization
 * server that approves at once, and a notes server of protocol version 2026-07-28), so the example
 * runs offline; with {@code --url} it connects to your server, and prints the page to open for the
 * approval, which a browser sends back to a port of this machine (it waits up to five minutes for
 * the person). With {@code --unattended} it asks the authorization endpoint itself and takes the
 * code from its redirect ({@code McpUserAgent.headless}), for an authorization server that approves
 * at once; {@code --redirect URI} sets the redirect URI it registers (default {@value
 * #UNATTENDED_REDIRECT}, where nothing needs to listen):
 *
 * <pre>
 * mvn -B -q -pl kimi-sdk-examples -am compile exec:java -Dexec.mainClass=io.github.kimisdk.examples.McpOAuthAgent
 * mvn ... -Dexec.args="--url https://mcp.example.com/mcp"
 * mvn ... -Dexec.args="--url https://mcp.example.com/mcp --unattended"
 * </pre>
 *
 * <p>Without an API key it runs against {@link io.github.kimisdk.testing.FakeKimiServer}, whose
 * model calls the tools the prompt names; with one, against the real API. {@code KIMI_PROMPT} sets
 * the prompt with {@code --url}.
 */
public final class McpOAuthAgent {

  static final String DEFAULT_PROMPT =
      "Use notes_add with text=\"Buy milk\", then notes_summarize.";

  /** The redirect URI of {@code --unattended} without {@code --redirect}: nothing listens there. */
  static final String UNATTENDED_REDIRECT = "http://127.0.0.1:8976/callback";

  private McpOAuthAgent() {}

  /**
   * Runs the example.
   *
   * @param args {@code --url URL} (with {@code --unattended} and {@code --redirect URI}), or the
   *     prompt words
   */
  public static void main(String[] args) {
    String url = null;
    String redirect = null;
    boolean unattended = false;
    String prompt = DEFAULT_PROMPT;
    String custom = System.getenv("KIMI_PROMPT");
    if (args.length > 1 && args[0].equals("--url")) {
      url = args[1];
      for (int i = 2; i < args.length; i++) {
        if (args[i].equals("--unattended")) {
          unattended = true;
        } else if (args[i].equals("--redirect") && i + 1 < args.length) {
          redirect = args[++i];
        }
      }
      prompt = custom == null || custom.isBlank() ? "Which tools do you have?" : custom;
    } else if (args.length > 0) {
      prompt = String.join(" ", args);
    }
    String headless = unattended ? (redirect == null ? UNATTENDED_REDIRECT : redirect) : null;
    ExampleSession.exit(run(prompt, url, headless, System.getenv(), System.out));
  }

  /** Runs the agent against the server at {@code url}, or this program's own servers (null). */
  static int run(String prompt, String url, Map<String, String> env, PrintStream out) {
    return run(prompt, url, null, env, out);
  }

  /**
   * Runs the agent against the server at {@code url}, or this program's own servers (null); a
   * person approves in a browser, unless {@code unattended} names the redirect URI of a headless
   * user agent.
   */
  static int run(
      String prompt, String url, String unattended, Map<String, String> env, PrintStream out) {
    try (ExampleSession session = ExampleSession.open(env, out, "kimi-k2.6");
        NotesOAuthServers local = url == null ? NotesOAuthServers.start() : null) {
      McpUserAgent userAgent;
      if (local != null) {
        out.println(
            "Started an authorization server at "
                + local.issuer()
                + " and a notes MCP server that requires its tokens at "
                + local.mcpUrl()
                + ".");
        userAgent = McpUserAgent.headless(NotesOAuthServers.REDIRECT); // it approves at once
      } else if (unattended != null) {
        out.println(
            "Unattended: the authorization server must approve at once (redirect URI "
                + unattended
                + ").");
        userAgent = McpUserAgent.headless(unattended);
      } else {
        userAgent =
            McpUserAgent.loopback(page -> out.println("Open this page to approve: " + page));
      }
      McpAuthorization oauth =
          McpAuthorization.authorizationCode(userAgent)
              .clientName("kimi-sdk McpOAuthAgent example")
              .build();
      McpSampling kimi = KimiSampling.of(session.kimi(), session.model());
      McpSampling shown =
          request -> {
            out.println(
                "[sampling] the server asks "
                    + session.model()
                    + ": "
                    + request.messages().get(request.messages().size() - 1).text());
            return kimi.createMessage(request);
          };
      out.println(
          "Connecting: the client finds the authorization server, registers and gets a token.");
      try (McpClient mcp =
          McpClient.httpBuilder(local != null ? local.mcpUrl() : url)
              .authorization(oauth)
              .sampling(shown)
              .build()) {
        McpServerInfo info = mcp.serverInfo();
        out.println(
            "MCP server "
                + mcp.name()
                + (info.version().isEmpty() ? "" : " " + info.version())
                + ", protocol "
                + mcp.protocolVersion()
                + ", authorized. Its tools:");
        for (McpTool t : mcp.listTools()) {
          out.println("  " + t.name() + (t.description() == null ? "" : ": " + t.description()));
        }
        Agent agent =
            Agent.builder(session.kimi(), session.model())
                .tools(McpToolset.of(mcp))
                .request(b -> b.maxCompletionTokens(16_000))
                .streaming(true)
                .listener(new StepPrinter(out))
                .build();
        out.println("> " + prompt);
        RunResult result = agent.run(List.of(Message.user(prompt)));
        if (local != null) {
          out.println(
              "The authorization server " + String.join("; ", local.authorizationLog()) + ".");
        }
        return McpToolCalling.report(result, out);
      }
    } catch (KimiException | McpException e) { // a call to Kimi, the MCP server or its OAuth failed
      out.println("[failed] " + e.getMessage());
      return 1;
    }
  }
}
