package io.github.kimisdk.examples;

import io.github.kimisdk.WireProtocol;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Conversation;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.errors.KimiException;
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
 * prompt_cache_key}, which helps Kimi's prefix cache). Each turn prints how much of its prompt the
 * prefix cache served: from the second turn on, the instructions and the earlier turns. At the end
 * it prints the tokens and cost of the whole conversation, kept in the file across runs.
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

  /**
   * The assistant's instructions: long enough (over 256 tokens) for Kimi's prefix cache, which then
   * serves them, and every earlier turn, from the second request on.
   */
  static final String SYSTEM =
      "You are a friendly travel assistant for a small agency in Porto. Keep answers short: one"
          + " or two sentences unless the traveller asks for a plan. Remember what the traveller"
          + " tells you about themselves (their name, where and when they travel, who comes along,"
          + " what they like) and use it in later answers without asking again. Suggest places"
          + " reachable by public transport first, and say how long the trip takes. Prefer"
          + " museums, markets, gardens and viewpoints that are open in the season of the trip,"
          + " and mention a rainy-day alternative when the plan is mostly outdoors. Give prices"
          + " only when you are sure of them, in euros, and say when they were last known. Never"
          + " book anything and never ask for payment details; point to the official website of"
          + " the place instead. If a question is not about travel, answer it briefly and"
          + " kindly, then offer to get back to the trip. When the traveller asks for a day plan,"
          + " give a morning, an afternoon and an evening, each with one place and one place to"
          + " eat nearby. Avoid long lists, superlatives and exclamation marks. Use the metric"
          + " system and the 24-hour clock. If you do not know something, say so and suggest"
          + " where the traveller could find out. Before you suggest a day trip, check that the"
          + " last train or bus back leaves after the traveller's evening plans.";

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
        chat.addSystem(SYSTEM);
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
        Files.readAllLines(file).stream()
            .limit(6)
            .forEach(l -> out.println("  " + (l.length() > 96 ? l.substring(0, 96) + "..." : l)));
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
      out.println(
          "The whole conversation so far: "
              + ExampleSession.spendLine(session.kimi().prices().spend(again)));
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
            + (session.kimi().wireProtocol() != WireProtocol.ANTHROPIC_MESSAGES
                ? ", prompt_cache_key " + request.promptCacheKey()
                : "; Anthropic Messages has no prompt_cache_key, so the id stays local")
            + "]");
    out.println("  " + ExampleSession.usageLine(reply.usage()));
    out.println("  " + ExampleSession.cacheLine(reply.usage()));
  }
}
