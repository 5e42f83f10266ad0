package io.github.kimisdk.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.examples.ReadmeSnippets.Kind;
import io.github.kimisdk.examples.ReadmeSnippets.Snippet;
import io.github.kimisdk.testing.FakeKimiServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every guide snippet that says it runs offline runs, in the build, against {@code FakeKimiServer}:
 * such a snippet is fenced {@code ```java offline}, and each is compiled (with the preludes' names,
 * {@link ReadmeSnippets}) and its statements run with {@code kimi} a client on a fresh fake, {@code
 * key} any key and {@code baseUrl} the fake's; it must end without an exception. A {@code ```java}
 * block whose page says, in the paragraph just above it, that it runs offline must be fenced so.
 */
class OfflineSnippetsTest {

  @TempDir Path out;

  /**
   * Prose that says the snippet below it runs without Kimi ("so this runs offline", "the fake
   * answers all three offline"), not prose about another use of the word (a tokenizer's file read
   * offline).
   */
  static final Pattern SAYS_OFFLINE = Pattern.compile("\\b(runs?|answers?)\\b[^.;:]* offline\\b");

  @Test
  void everySnippetMarkedOfflineRunsAgainstTheFake() throws Exception {
    List<Snippet> all = ReadmeSnippetsTest.everySnippet();
    List<Snippet> offline = all.stream().filter(Snippet::offline).toList();
    assertThat(offline)
        .extracting(Snippet::file)
        .as("the ```java offline snippets")
        .contains("docs/tools-and-agents.md");
    List<Snippet> compiled = new ArrayList<>();
    for (Snippet s : all) {
      if (s.kind() == Kind.PRELUDE || s.offline()) {
        compiled.add(s);
      }
    }
    assertThat(ReadmeSnippets.compile(compiled, ChildProcess.sdkLocation(), out)).isEmpty();

    List<String> failed = new ArrayList<>();
    try (URLClassLoader loader =
        new URLClassLoader(new URL[] {out.toUri().toURL()}, getClass().getClassLoader())) {
      for (Snippet s : offline) {
        assertThat(s.kind())
            .as("%s:%d runs as statements", s.file(), s.line())
            .isEqualTo(Kind.STATEMENTS);
        String ran = run(loader, s);
        if (ran != null) {
          failed.add(s.file() + ":" + s.line() + ": " + ran);
        }
      }
    }
    assertThat(failed).as("offline snippets that failed against FakeKimiServer").isEmpty();
  }

  /** Runs one snippet against a fresh fake; returns what went wrong, or null. */
  private static String run(ClassLoader loader, Snippet s) throws Exception {
    Class<?> type = loader.loadClass(s.pkg() + ".Snippet");
    Constructor<?> make = type.getDeclaredConstructor();
    make.setAccessible(true);
    Object snippet = make.newInstance();
    PrintStream console = System.out;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    try (FakeKimiServer server = new FakeKimiServer().start();
        KimiClient kimi = KimiClient.builder().apiKey("test").baseUrl(server.baseUrl()).build()) {
      for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
        for (Field f : c.getDeclaredFields()) {
          Object value =
              f.getType() == KimiClient.class
                  ? kimi
                  : f.getType() == FakeKimiServer.class
                      ? server
                      : f.getName().equals("key")
                          ? "test"
                          : f.getName().equals("baseUrl") ? server.baseUrl() : null;
          if (value != null) {
            f.setAccessible(true);
            f.set(snippet, value);
          }
        }
      }
      Method run = type.getDeclaredMethod("run");
      run.setAccessible(true);
      System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
      try {
        run.invoke(snippet);
      } catch (InvocationTargetException e) {
        return e.getCause() + "\n" + printed.toString(StandardCharsets.UTF_8);
      } finally {
        System.setOut(console);
      }
    }
    return null;
  }

  @Test
  void aSnippetWhosePageSaysItRunsOfflineIsFencedSo() throws Exception {
    List<String> unmarked = new ArrayList<>();
    for (Path page : Docs.pages()) {
      List<String> lines = Docs.lines(page);
      for (int i = 0; i < lines.size(); i++) {
        if (!lines.get(i).strip().equals("```java")) {
          continue;
        }
        // the paragraph just above the block: back to a blank line, a fence or a heading
        StringBuilder above = new StringBuilder();
        int j = i - 1;
        while (j >= 0 && lines.get(j).isBlank()) {
          j--;
        }
        for (; j >= 0; j--) {
          String l = lines.get(j).strip();
          if (l.isEmpty() || l.startsWith("```") || l.startsWith("#")) {
            break;
          }
          above.insert(0, l + " ");
        }
        if (SAYS_OFFLINE.matcher(above.toString().toLowerCase(Locale.ROOT)).find()) {
          unmarked.add(Docs.name(page) + ":" + (i + 1) + ": " + above.toString().strip());
        }
      }
    }
    assertThat(unmarked)
        .as("```java blocks whose page says they run offline: fence them ```java offline")
        .isEmpty();
  }
}
