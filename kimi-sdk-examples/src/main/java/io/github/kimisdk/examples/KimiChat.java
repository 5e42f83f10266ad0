package io.github.kimisdk.examples;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ChatStream;
import io.github.kimisdk.chat.Conversation;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.SystemMessage;
import io.github.kimisdk.chat.Thinking;
import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.chat.UserMessage;
import io.github.kimisdk.errors.KimiException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code kimi-chat}: an interactive terminal chat that streams replies and keeps the conversation
 * in a {@link Conversation} (system prompt included), which {@code /save} and {@code /load} write
 * and read in its JSON form. Type a message, or a command ({@code /help} lists them). Ctrl-C stops
 * the reply being streamed and keeps what arrived; Ctrl-D (end of input) or {@code /quit} leaves.
 *
 * <p>Ctrl-C is caught with {@code sun.misc.Signal} from the {@code jdk.unsupported} module (the
 * examples module {@code requires} it; the SDK itself does not use it). Where the signal cannot be
 * handled, Ctrl-C ends the program as usual; where SIGINT is ignored (a background job of a
 * script), Ctrl-C cannot reach the program at all. In both cases the chat does not offer it.
 *
 * <pre>
 * mvn -B -q -pl kimi-sdk-examples -am compile exec:java -Dexec.mainClass=io.github.kimisdk.examples.KimiChat
 * </pre>
 */
public final class KimiChat {

  /** The list {@code /help} prints; with {@code ctrlC}, it says that Ctrl-C stops a reply. */
  static String help(boolean ctrlC) {
    return String.join(
        "\n",
        "Commands:",
        "  /model NAME        switch model",
        "  /system TEXT       set the system prompt (/system alone clears it)",
        "  /thinking on|off   show the model's reasoning (thinking models)",
        "  /save FILE         save the conversation (JSON, Conversation.save)",
        "  /load FILE         continue a conversation saved with /save",
        "  /clear             start a new conversation (keeps the system prompt)",
        "  /usage             tokens used by the last reply and in total",
        "  /help              this list",
        "  /quit              leave (or Ctrl-D)" + (ctrlC ? "; Ctrl-C stops a reply" : ""));
  }

  private final KimiClient kimi;
  private final PrintStream out;
  private String model;
  private boolean thinking;
  private Conversation conversation = Conversation.create();
  private Usage lastUsage;
  private Usage totalUsage;
  private volatile Thread replyThread;
  private volatile boolean stopRequested;
  private boolean ctrlC; // whether Ctrl-C is caught, so that /help offers it

  KimiChat(KimiClient kimi, String model, PrintStream out) {
    this.kimi = kimi;
    this.model = model;
    this.out = out;
  }

  /**
   * Runs the chat on the terminal.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    run(
        System.getenv(),
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)),
        System.out,
        true);
  }

  /** Opens a session as {@code env} says and chats on {@code in} until the user leaves. */
  static void run(Map<String, String> env, BufferedReader in, PrintStream out, boolean catchCtrlC) {
    try (ExampleSession session = ExampleSession.open(env, out, ExampleSession.DEFAULT_MODEL)) {
      KimiChat chat = new KimiChat(session.kimi(), session.model(), out);
      boolean ctrlC = catchCtrlC && CtrlC.install(chat::stopReply);
      chat.ctrlC = ctrlC;
      out.println(
          "kimi-chat with "
              + session.model()
              + ". /help for commands"
              + (ctrlC ? "; Ctrl-C stops a reply" : "")
              + ", Ctrl-D or /quit to leave.");
      chat.run(in);
    }
  }

  /** Reads lines until {@code /quit} or end of input. */
  void run(BufferedReader in) {
    try {
      while (true) {
        out.print("you> ");
        out.flush();
        String line = in.readLine();
        if (line == null) {
          out.println();
          out.println("Bye.");
          return;
        }
        line = line.strip();
        if (line.isEmpty()) {
          continue;
        }
        if (line.startsWith("/")) {
          if (!command(line)) {
            out.println("Bye.");
            return;
          }
        } else {
          reply(line);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stops the reply being streamed, if any (called from the Ctrl-C handler's thread). */
  void stopReply() {
    Thread t = replyThread;
    if (t != null) {
      stopRequested = true;
      t.interrupt();
    } else {
      out.println();
      out.println("(no reply to stop: /quit or Ctrl-D leaves)");
      out.print("you> ");
      out.flush();
    }
  }

  private boolean command(String line) {
    int space = line.indexOf(' ');
    String name = space < 0 ? line : line.substring(0, space);
    String arg = space < 0 ? "" : line.substring(space + 1).strip();
    switch (name) {
      case "/quit":
      case "/exit":
        return false;
      case "/help":
        out.println(help(ctrlC));
        break;
      case "/model":
        if (arg.isEmpty()) {
          out.println("Model: " + model + ". Usage: /model NAME");
        } else {
          model = arg;
          out.println("Model set to " + model + ".");
        }
        break;
      case "/system":
        conversation = withSystem(conversation, arg);
        out.println(arg.isEmpty() ? "System prompt cleared." : "System prompt set.");
        break;
      case "/thinking":
        if (arg.equals("on") || arg.equals("off")) {
          thinking = arg.equals("on");
          out.println("Thinking " + arg + ".");
        } else {
          out.println("Usage: /thinking on|off (now " + (thinking ? "on" : "off") + ")");
        }
        break;
      case "/save":
        save(arg);
        break;
      case "/load":
        load(arg);
        break;
      case "/clear":
        String system = system();
        conversation = Conversation.create();
        if (!system.isEmpty()) {
          conversation.addSystem(system);
        }
        out.println("Conversation cleared.");
        break;
      case "/usage":
        out.println(
            "Last reply: "
                + (lastUsage == null ? "none" : describe(lastUsage))
                + "\nThis session: "
                + (totalUsage == null ? "none" : describe(totalUsage))
                + "\nConversation: "
                + ExampleSession.messages(conversation.size())
                + ", id "
                + conversation.id());
        break;
      default:
        out.println("Unknown command " + name + ". /help lists the commands.");
    }
    return true;
  }

  private static String describe(Usage u) {
    return u.promptTokens()
        + " prompt + "
        + u.completionTokens()
        + " completion"
        + (u.reasoningTokens() == null ? "" : " (" + u.reasoningTokens() + " reasoning)")
        + " = "
        + u.totalTokens()
        + " tokens";
  }

  private void reply(String text) {
    UserMessage user = Message.user(text);
    // The user message joins the conversation only with its reply, so a failed call leaves the
    // conversation as it was.
    ChatRequest request =
        conversation
            .request(model)
            .addMessage(user)
            .thinking(
                thinking ? Thinking.enabled() : ExampleSession.thinkingOffWherePossible(model))
            .includeUsage(true)
            .build();
    StringBuilder answer = new StringBuilder();
    boolean[] reasoningShown = {false};
    stopRequested = false;
    Thread.interrupted(); // a Ctrl-C that came between replies must not stop this one
    replyThread = Thread.currentThread();
    out.print("kimi> ");
    out.flush();
    try (ChatStream stream = kimi.stream(request)) {
      ChatCompletion done =
          stream.forEachText(
              reasoning -> {
                if (!thinking) {
                  return; // shown only with /thinking on, as /help says
                }
                if (!reasoningShown[0]) {
                  reasoningShown[0] = true;
                  out.print("(thinking) ");
                }
                out.print(reasoning);
                out.flush();
              },
              piece -> {
                if (reasoningShown[0] && answer.length() == 0) {
                  out.print("\nkimi> ");
                }
                answer.append(piece);
                out.print(piece);
                out.flush();
              });
      out.println();
      conversation.add(user);
      conversation.addReply(done); // as received, reasoning included
      count(done.usage());
    } catch (KimiException | UncheckedIOException e) {
      handleFailure(e, user, answer);
    } catch (RuntimeException e) {
      // The blocking stream reports an interrupt (our Ctrl-C) as a plain RuntimeException.
      if (!stopRequested) {
        throw e;
      }
      handleFailure(e, user, answer);
    } finally {
      replyThread = null;
      Thread.interrupted();
    }
  }

  private void handleFailure(RuntimeException e, UserMessage user, StringBuilder answer) {
    out.println();
    if (stopRequested) {
      out.println("[stopped]");
    } else {
      out.println("[error] " + e.getMessage());
    }
    if (answer.length() > 0) {
      // Keep what arrived, so the conversation stays coherent.
      conversation.add(user);
      conversation.add(Message.assistant(answer.toString()));
    }
  }

  private void count(Usage usage) {
    if (usage != null) {
      lastUsage = usage;
      totalUsage = totalUsage == null ? usage : totalUsage.plus(usage);
    }
  }

  private void save(String file) {
    if (file.isEmpty()) {
      out.println("Usage: /save FILE");
      return;
    }
    try {
      // a directory that is not there yet is made, so "/save target/chat.json" works from a
      // fresh clone's root and keeps the file out of the sources
      Path parent = Path.of(file).toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      conversation.save(Path.of(file));
      out.println("Saved " + ExampleSession.messages(conversation.size()) + " to " + file + ".");
    } catch (IOException e) {
      out.println("[error] " + ExampleSession.fileProblem(Path.of(file), e));
    }
  }

  private void load(String file) {
    if (file.isEmpty()) {
      out.println("Usage: /load FILE");
      return;
    }
    try {
      conversation = Conversation.load(Path.of(file));
      String system = system();
      out.println(
          "Loaded "
              + ExampleSession.messages(conversation.size())
              + " from "
              + file
              + " (id "
              + conversation.id()
              + (system.isEmpty() ? "" : ", system prompt \"" + system + "\"")
              + ").");
    } catch (IOException e) {
      out.println("[error] " + ExampleSession.fileProblem(Path.of(file), e));
    } catch (IllegalArgumentException e) {
      out.println("[error] " + file + " is not a conversation saved with /save: " + e.getMessage());
    }
  }

  /** The system prompt: the conversation's leading system message, or "" when it has none. */
  private String system() {
    List<Message> messages = conversation.messages();
    return !messages.isEmpty() && messages.get(0) instanceof SystemMessage s ? s.content() : "";
  }

  /**
   * The same conversation, same id (so Kimi's prefix cache and a saved file still match it), under
   * another system prompt: none when {@code system} is blank.
   */
  private static Conversation withSystem(Conversation from, String system) {
    Conversation c = Conversation.withId(from.id());
    if (!system.isEmpty()) {
      c.addSystem(system);
    }
    for (Message m : from.messages()) {
      if (!(m instanceof SystemMessage)) {
        c.add(m);
      }
    }
    return c;
  }

  /** The conversation so far (for tests). */
  Conversation conversation() {
    return conversation;
  }

  List<Message> history() {
    return conversation.messages();
  }

  String model() {
    return model;
  }

  boolean thinking() {
    return thinking;
  }
}
