// kimi-sdk in jshell. From the repository root:
//   mvn -B -q -pl kimi-sdk-testing -am package -DskipTests
//   jshell --class-path kimi-sdk/target/kimi-sdk-0.1.0-SNAPSHOT.jar:kimi-sdk-testing/target/kimi-sdk-testing-0.1.0-SNAPSHOT.jar kimi-sdk-examples/kimi.jsh
// It defines `kimi` (a ready KimiClient), `model`, `ask("...")`, which streams a reply and returns
// its text, and `last`, the whole last reply (`last.usage()`, `last.finishReason()`).
// With MOONSHOT_API_KEY, KIMI_API_KEY or KIMI_CODING_API_KEY set it talks to the real API;
// without one it starts a local FakeKimiServer (offline; it echoes your prompt) and says so.
import io.github.kimisdk.*;
import io.github.kimisdk.chat.*;
import io.github.kimisdk.json.*;
import io.github.kimisdk.model.*;
import io.github.kimisdk.platform.*;
import io.github.kimisdk.token.*;
import io.github.kimisdk.tool.*;
import io.github.kimisdk.testing.*;
import java.nio.file.*;
import java.util.*;

boolean hasKey = java.util.stream.Stream.of("MOONSHOT_API_KEY", "KIMI_API_KEY", "KIMI_CODING_API_KEY").anyMatch(v -> System.getenv(v) != null && !System.getenv(v).isBlank());
FakeKimiServer fake = hasKey ? null : new FakeKimiServer().start();
KimiClient kimi = hasKey ? KimiClient.fromEnv() : KimiClient.builder().apiKey("offline-demo-key").baseUrl(fake.baseUrl()).build();
String model = System.getenv("KIMI_MODEL") != null && !System.getenv("KIMI_MODEL").isBlank() ? System.getenv("KIMI_MODEL") : kimi.endpoint().isKimiCode() ? "kimi-for-coding" : "kimi-k3";

/** The last reply {@code ask} received, whole: text, usage, finish reason. */
ChatCompletion last = null;

/** Streams the reply to {@code prompt}, printing it as it arrives, and returns its text. */
String ask(String prompt) {
  // thinking off for a quick answer where the model allows it (kimi-k3 and kimi-k2.6 do; the
  // Kimi Code models always think)
  Thinking quick = ModelCatalog.defaults().lookup(model).thinking() == ModelInfo.ThinkingSupport.SWITCHABLE ? Thinking.disabled() : null;
  try (ChatStream s = kimi.stream(ChatRequest.builder(model).addUser(prompt).thinking(quick).includeUsage(true).build())) {
    last = s.forEachText(t -> { System.out.print(t); System.out.flush(); });
    System.out.println();
    return last.text();
  }
}

System.out.println(hasKey
    ? "kimi: " + kimi.endpoint() + ", model " + model + ". Try: ask(\"Hello\"), then last.usage()"
    : "kimi: no API key, so FakeKimiServer at " + fake.baseUrl() + " (offline; it echoes your prompt), model " + model + ". Try: ask(\"Hello\"), then last.usage()");
