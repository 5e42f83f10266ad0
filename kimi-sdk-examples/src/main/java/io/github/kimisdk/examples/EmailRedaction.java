package io.github.kimisdk.examples;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.KimiInterceptor;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.SystemMessage;
import io.github.kimisdk.chat.UserMessage;
import io.github.kimisdk.errors.KimiException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/**
 * Redaction as a {@link KimiInterceptor}: e-mail addresses in the system's and the user's messages
 * are replaced by {@code [email]} before the request leaves the process, so neither the server, nor
 * the client's listeners and attempt log, see them. Offline it prints the body the fake received.
 *
 * <pre>
 * mvn -B -q -pl kimi-sdk-examples -am compile exec:java -Dexec.mainClass=io.github.kimisdk.examples.EmailRedaction
 * </pre>
 */
public final class EmailRedaction implements KimiInterceptor {

  /** An address as people write one; "ada at example dot com" passes, as it would any pattern. */
  static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}");

  /** Creates the redaction. */
  public EmailRedaction() {}

  @Override
  public CompletableFuture<ChatCompletion> intercept(Chain chain) {
    List<Message> messages = chain.request().messages();
    List<Message> redacted = new ArrayList<>(messages.size());
    boolean changed = false;
    for (Message m : messages) {
      Message r = redact(m);
      changed |= r != m;
      redacted.add(r);
    }
    ChatRequest out =
        changed ? chain.request().toBuilder().messages(redacted).build() : chain.request();
    return chain.proceed(out);
  }

  /** Returns {@code m} with its addresses replaced; {@code m} itself when it has none. */
  static Message redact(Message m) {
    if (m instanceof UserMessage u && u.content().size() == 1 && EMAIL.matcher(u.text()).find()) {
      return Message.user(EMAIL.matcher(u.text()).replaceAll("[email]"));
    }
    if (m instanceof SystemMessage s
        && s.content() != null
        && s.tools().isEmpty()
        && EMAIL.matcher(s.content()).find()) {
      return Message.system(EMAIL.matcher(s.content()).replaceAll("[email]"));
    }
    return m;
  }

  /**
   * Runs the example.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    ExampleSession.exit(run(System.getenv(), System.out));
  }

  static int run(Map<String, String> env, PrintStream out) {
    try (ExampleSession session = ExampleSession.open(env, out, "kimi-k2.6");
        KimiClient redacting = session.clientBuilder().interceptor(new EmailRedaction()).build()) {
      ChatRequest request =
          ChatRequest.builder(session.model())
              .addSystem("Support desk of example.com; escalations go to ops@example.com.")
              .addUser("Please reset the password of ada.lovelace@example.org, thanks.")
              .thinking(ExampleSession.thinkingOffWherePossible(session.model()))
              .build();
      ChatCompletion reply = redacting.chat(request);
      out.println("[reply] " + reply.text().strip());
      if (session.isOffline()) {
        String sent = session.server().takeRequest().bodyText();
        out.println("[sent] addresses left: " + EMAIL.matcher(sent).results().count());
        out.println("[sent] " + sent.substring(sent.indexOf("\"messages\"")));
      }
      return 0;
    } catch (KimiException e) {
      out.println("Kimi call failed: " + e.getMessage());
      return 1;
    }
  }
}
