package io.github.kimisdk.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class McpOAuthAgentTest {

  @Test
  void theAgentUsesTheToolsOfAServerThatRequiresOAuthAndKimiAnswersItsSampling() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    int status = McpOAuthAgent.run(McpOAuthAgent.DEFAULT_PROMPT, null, Map.of(), out);
    String text = bytes.toString(StandardCharsets.UTF_8);
    assertThat(status).as(text).isZero();
    assertThat(text)
        .contains("using FakeKimiServer at http://127.0.0.1:")
        .containsPattern(
            "Started an authorization server at http://127\\.0\\.0\\.1:\\d+ and a notes MCP server"
                + " that requires its tokens at http://127\\.0\\.0\\.1:\\d+/mcp\\.\n")
        .contains(
            "Connecting: the client finds the authorization server, registers and gets a token.\n"
                + "MCP server notes-oauth 1.0, protocol 2026-07-28, authorized. Its tools:\n"
                + "  notes_add: Saves a note\n"
                + "  notes_summarize: Summarizes the notes with the client's model\n"
                + "> "
                + McpOAuthAgent.DEFAULT_PROMPT
                + "\n"
                + "[step 1] model calls notes_add {\"text\":\"Buy milk\"}\n"
                + "[step 1] notes_add -> Saved note 1.\n"
                + "[step 2] model calls notes_summarize {}\n"
                + "[sampling] the server asks kimi-k2.6: Summarize these notes in one line: 1. Buy"
                + " milk\n"
                + "[step 2] notes_summarize -> Summary: You said: Summarize these notes in one line:"
                + " 1. Buy milk\n"
                + "[step 3] From the tools: notes_add says Saved note 1.; notes_summarize says"
                + " Summary: You said: Summarize these notes in one line: 1. Buy milk.\n")
        .containsPattern(
            "The authorization server registered \"kimi-sdk McpOAuthAgent example\"; approved"
                + " notes-client-1 for http://127\\.0\\.0\\.1:\\d+/mcp \\(PKCE S256\\); issued a token"
                + " for http://127\\.0\\.0\\.1:\\d+/mcp \\(code verifier checked\\)\\.\n")
        .endsWith("[done] answered in 3 steps\n");
  }

  /**
   * With {@code --url} and {@code --unattended}, against a server whose authorization server
   * approves at once, no person is waited for: the headless user agent takes the code from the
   * redirect.
   */
  @Test
  void unattendedTheAgentTakesTheCodeWithoutWaitingForAPerson() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    int status;
    try (NotesOAuthServers servers = NotesOAuthServers.start()) {
      status =
          McpOAuthAgent.run(
              "Which tools do you have?",
              servers.mcpUrl(),
              McpOAuthAgent.UNATTENDED_REDIRECT,
              Map.of(),
              out);
    }
    String text = bytes.toString(StandardCharsets.UTF_8);
    assertThat(status).as(text).isZero();
    assertThat(text)
        .contains(
            "Unattended: the authorization server must approve at once (redirect URI "
                + McpOAuthAgent.UNATTENDED_REDIRECT
                + ").\n")
        .contains("MCP server notes-oauth 1.0, protocol 2026-07-28, authorized. Its tools:\n")
        .doesNotContain("Open this page to approve");
  }

  @Test
  void anUnreachableServerIsReportedAsAnMcpFailure() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    int port = 9; // discard: nothing listens on loopback there
    int status = McpOAuthAgent.run("hi", "http://127.0.0.1:" + port + "/mcp", Map.of(), out);
    assertThat(status).isEqualTo(1);
    assertThat(bytes.toString(StandardCharsets.UTF_8))
        .contains(
            "[failed] MCP server \"http://127.0.0.1:"
                + port
                + "/mcp\": POST server/discover: cannot reach");
  }
}
