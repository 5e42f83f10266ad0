package io.github.kimisdk.examples;

import io.github.kimisdk.KimiException;
import io.github.kimisdk.WireProtocol;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Conversation;
import io.github.kimisdk.chat.Message;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Saves a conversation to a file and continues it later: two turns in a new {@link Conversation},
 * {@code save(file)}, then {@code Conversation.load(file)} as another process would, and one more
 * turn that the model answers with the whole history (sent with the conversation's id as {@code
 * prompt_cache_key}, which helps Kimi's prefix cache).
 *
 * <p>Without arguments the file is temporary and deleted at the end. With a file argument it is
 * kept, and when it already exists the example starts by loading it: run it twice to continue the
 * same conversation.
 *
 * <pre>
 * mvn -B -q -pl kimi-sdk-examples -am compile exec:java -Dexec.mainClass=io.github.kimisdk.examples.ResumeConversation
 * mvn -B -q -pl kimi-sdk-examples -am compile exec:java -Dexec.mainClass=io.github.kimisdk.examples.ResumeConversation -Dexec.args=trip.json
 * </pre>
 */
public final class ResumeConversation {

  static final List<String> FIRST_TURNS =
      List.of(
          "My name is Ada and I am planning a trip to Lisbon in May.",
          "Suggest two day trips from there, in one line each.");
  static final String LATER = "What was my name, and where am I going?";

  private ResumeConversation() {}

  /**
   * Runs the example.
   *
   * @param args a file to keep the conversation in (optional)
   */
  public static void main(String[] args) {
    ExampleSession.exit(run(args, System.getenv(), System.out));
  }

  static int run(String[] args, Map<String, String> env, PrintStream out) {
    Path tempDir = null;
    Path file = null;
    try {
      if (args.length == 0) {
        tempDir = Files.createTempDirectory("kimi-conversation");
        file = tempDir.resolve("conversation.json");
      } else {
        file = Path.of(args[0]);
        String problem = Files.exists(file) ? ExampleSession.unreadable(file) : null;
        if (problem != null) {
          out.println(problem);
          return 2;
        }
      }
      try (ExampleSession session = ExampleSession.open(env, out, ExampleSession.DEFAULT_MODEL)) {
        return run(session, file, tempDir != null, out);
      }
    } catch (IOException e) {
      if (file == null) {
        throw new UncheckedIOException(e); // no temporary directory: nothing the user can fix
      }
      out.println(ExampleSession.fileProblem(file, e));
      return 2;
    } finally {
      if (tempDir != null) {
        try {
          Files.deleteIfExists(tempDir.resolve("conversation.json"));
          Files.deleteIfExists(tempDir);
        } catch (IOException e) {
          // a temporary file left behind is harmless
        }
      }
    }
  }

  private static int run(ExampleSession session, Path file, boolean temporary, PrintStream out)
      throws IOException {
    try {
      if (Files.exists(file)) {
        out.println("== " + file + " exists: continuing the conversation saved there ==");
      } else {
        out.println("== 1. A new conversation ==");
        Conversation chat = Conversation.create();
        chat.addSystem("You are a friendly travel assistant. Keep answers short.");
        out.println("id " + chat.id());
        for (String turn : FIRST_TURNS) {
          turn(session, chat, turn, out);
        }
        chat.save(file);
        out.printf(
            "Saved %s to %s (%,d bytes)%s:%n",
            ExampleSession.messages(chat.size()),
            file,
            Files.size(file),
            temporary ? ", a temporary file" : "");
        Files.readAllLines(file).stream().limit(6).forEach(l -> out.println("  " + l));
        out.println("  ...");
        out.println();
        out.println("== 2. Later, in another process: load the file and continue ==");
      }
      Conversation again = Conversation.load(file);
      out.printf(
          "Loaded %s: id %s, %s (%s)%n",
          file,
          again.id(),
          ExampleSession.messages(again.size()),
          again.messages().stream().map(Message::role).collect(Collectors.joining(", ")));
      turn(session, again, LATER, out);
      again.save(file);
      out.println("Saved " + ExampleSession.messages(again.size()) + " to " + file + ".");
      if (temporary) {
        out.println("(Pass a file name as the argument to keep it, and run again to continue.)");
      }
      return 0;
    } catch (KimiException e) {
      out.println("Kimi call failed: " + e.getMessage());
      return 1;
    } catch (IllegalArgumentException e) {
      out.println("Cannot continue from " + file + ": " + e.getMessage());
      return 1;
    }
  }

  private static void turn(
      ExampleSession session, Conversation chat, String text, PrintStream out) {
    chat.addUser(text);
    ChatRequest request = chat.request(session.model()).build();
    out.println("> " + text);
    ChatCompletion reply = session.kimi().chat(request);
    chat.addReply(reply);
    out.println(reply.text().strip());
    out.println(
        "  [sent "
            + ExampleSession.messages(request.messages().size())
            + (session.kimi().wireProtocol() == WireProtocol.CHAT_COMPLETIONS
                ? ", prompt_cache_key " + request.promptCacheKey()
                : "; Anthropic Messages has no prompt_cache_key, so the id stays local")
            + "]");
    out.println("  " + ExampleSession.usageLine(reply.usage()));
  }
}
