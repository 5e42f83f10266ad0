package io.github.kimisdk.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("multiprocess") // MCP servers as child processes: mvn -B -P slow verify
class McpToolCallingTest {

  @Test
  void theModelCallsTheNotesServersToolsOffline() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    int status = McpToolCalling.run(McpToolCalling.DEFAULT_PROMPT, null, null, Map.of(), out);
    String text = bytes.toString(StandardCharsets.UTF_8);
    assertThat(status).as(text).isZero();
    assertThat(text)
        .contains(
            "No API key in MOONSHOT_API_KEY, KIMI_API_KEY, KIMI_CODING_API_KEY: using FakeKimiServer at http://127.0.0.1:")
        .contains(
            "Starting this program's notes server as a child process (stdio).\n"
                + "MCP server notes 1.0, protocol 2025-11-25. Its tools:\n"
                + "  notes.add (Kimi sees notes_add): Saves a note\n"
                + "  notes.list (Kimi sees notes_list): Lists the saved notes\n"
                + "  text.count_words (Kimi sees text_count_words): Counts the words of a text\n"
                + "> "
                + McpToolCalling.DEFAULT_PROMPT
                + "\n"
                + "[step 1] model calls notes_add {\"text\":\"Buy milk\"}\n"
                + "[step 1] notes_add -> Saved note 1.\n"
                + "[step 2] model calls notes_list {}\n"
                + "[step 2] model calls text_count_words {\"text\":\"MCP tools from plain Java\"}\n"
                + "[step 2] notes_list -> 1. Buy milk\n"
                + "[step 2] text_count_words -> 5 words\n"
                + "[step 3] From the tools: notes_add says Saved note 1.; notes_list says 1. Buy milk;"
                + " text_count_words says 5 words.\n"
                + "[done] answered in 3 steps\n");
  }

  @Test
  void aServerThatCannotStartIsReported() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    int status =
        McpToolCalling.run("Use echo", List.of("no-such-mcp-server-xyz"), null, Map.of(), out);
    assertThat(status).isEqualTo(1);
    assertThat(bytes.toString(StandardCharsets.UTF_8))
        .contains("Starting the MCP server `no-such-mcp-server-xyz` (stdio).\n")
        .contains(
            "[failed] MCP server \"no-such-mcp-server-xyz\": cannot start `no-such-mcp-server-xyz`");
  }

  @Test
  void theNotesServerAnswersMcpOnItsInput() {
    String in =
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}\n"
            + "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n"
            + "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"notes.list\",\"arguments\":{}}}\n"
            + "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"resources/list\"}\n"
            + "not json\n";
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    McpToolCalling.serve(
        new ByteArrayInputStream(in.getBytes(StandardCharsets.UTF_8)),
        new PrintStream(bytes, true, StandardCharsets.UTF_8));
    assertThat(bytes.toString(StandardCharsets.UTF_8).split("\n"))
        .containsExactly(
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{\"tools\":{}},\"serverInfo\":{\"name\":\"notes\",\"version\":\"1.0\"}}}",
            "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"No notes yet.\"}]}}",
            "{\"jsonrpc\":\"2.0\",\"id\":3,\"error\":{\"code\":-32601,\"message\":\"Method not found: resources/list\"}}",
            "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"cannot read the message: Expected 'null' at line 1 column 1 (offset 0) path $\"}}");
  }
}
