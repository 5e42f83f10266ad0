package io.github.kimisdk.examples;

import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.platform.FileObject;
import io.github.kimisdk.platform.FilePurpose;
import io.github.kimisdk.token.TokenEstimator;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * Asks a question about a local document, Moonshot's way: upload it with purpose {@code
 * file-extract}, fetch the text Kimi extracted, send that text as a system message before the
 * question, and delete the upload. Each step is printed. ({@code kimi.files().documentMessage(file,
 * true)} does the upload, fetch and delete in one call.)
 *
 * <p>Without arguments it writes a small sample document (a bakery's notice) and asks about it;
 * pass your own file (PDF, Word, text...) and question as arguments. Offline, {@code
 * FakeKimiServer} "extracts" UTF-8 text files as they are and its model echoes the question. It
 * always runs over chat completions, since files exist only there: with {@code
 * KIMI_PROTOCOL=anthropic} it says so at start.
 *
 * <pre>
 * mvn -B -q -pl kimi-sdk-examples -am compile exec:java -Dexec.mainClass=io.github.kimisdk.examples.ChatWithDocument
 * mvn -B -q -pl kimi-sdk-examples -am compile exec:java -Dexec.mainClass=io.github.kimisdk.examples.ChatWithDocument -Dexec.args="report.pdf What are the key dates?"
 * </pre>
 */
public final class ChatWithDocument {

  static final String SAMPLE =
      String.join(
          "\n",
          "Moonlight Bakery - notice to customers",
          "",
          "From 1 March we open Tuesday to Saturday 7:00-18:00 and Sunday 8:00-13:00;",
          "we are closed on Mondays.",
          "",
          "Prices: sourdough loaf 5.20 EUR, rye loaf 4.80 EUR, croissant 1.90 EUR,",
          "cinnamon bun 2.60 EUR. Orders for more than 20 items need two days' notice.",
          "",
          "The wood oven is relit every morning at 4:30, so the first loaves come out",
          "at 6:45. Ask for Marta if you have a question about allergens.",
          "");

  static final String DEFAULT_QUESTION =
      "When is the bakery open on Sundays, and what does a sourdough loaf cost?";

  private ChatWithDocument() {}

  /**
   * Runs the example.
   *
   * @param args a document path, then the question (both optional)
   */
  public static void main(String[] args) {
    ExampleSession.exit(run(args, System.getenv(), System.out));
  }

  static int run(String[] args, Map<String, String> env, PrintStream out) {
    Path sampleDir = null;
    try {
      Path document;
      if (args.length == 0) {
        sampleDir = Files.createTempDirectory("kimi-document");
        document = Files.writeString(sampleDir.resolve("bakery-notice.txt"), SAMPLE);
      } else {
        document = Path.of(args[0]);
        String problem = ExampleSession.unreadable(document);
        if (problem != null) {
          out.println(problem);
          return 2;
        }
      }
      String question =
          args.length > 1
              ? String.join(" ", Arrays.asList(args).subList(1, args.length))
              : DEFAULT_QUESTION;
      try (ExampleSession session =
          ExampleSession.openChatCompletions(
              env,
              out,
              ExampleSession.DEFAULT_MODEL,
              "files (upload, extracted text, delete) exist only on the chat-completions surface")) {
        return ask(session, document, question, out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      deleteSample(sampleDir);
    }
  }

  private static int ask(ExampleSession session, Path document, String question, PrintStream out)
      throws IOException {
    out.printf("Document: %s (%,d bytes)%n", document, Files.size(document));
    FileObject upload;
    try {
      upload = session.kimi().files().upload(document, FilePurpose.FILE_EXTRACT);
    } catch (KimiException e) {
      out.println("1. upload failed: " + e.getMessage());
      return 1;
    }
    try {
      out.printf(
          "1. uploaded with purpose file-extract: id %s, %,d bytes, status %s%n",
          upload.id(), upload.bytes(), upload.status());
      String text = session.kimi().files().content(upload.id()).extractedText();
      out.printf(
          "2. extracted text (GET /files/%s/content): %,d characters%n",
          upload.id(), text.length());
      text.lines().limit(6).forEach(line -> out.println("   | " + line));
      if (text.lines().count() > 6) {
        out.println("   | ...");
      }
      Message system = Message.system(text);
      out.printf(
          "3. sent as a system message before the question: about %,d tokens%n",
          TokenEstimator.forKimi().estimate(text));
      ChatRequest request =
          ChatRequest.builder(session.model()).addMessage(system).addUser(question).build();
      ChatCompletion reply = session.kimi().chat(request);
      out.println("4. > " + question);
      out.println("   " + reply.text().strip().replace("\n", "\n   "));
      out.println("   " + ExampleSession.usageLine(reply.usage()));
      return 0;
    } catch (KimiException e) {
      out.println("   failed: " + e.getMessage());
      return 1;
    } finally {
      try {
        boolean deleted = session.kimi().files().delete(upload.id());
        out.println("5. deleted the upload " + upload.id() + ": " + deleted);
      } catch (KimiException e) {
        out.println("5. could not delete " + upload.id() + ": " + e.getMessage());
      }
    }
  }

  private static void deleteSample(Path dir) {
    if (dir == null) {
      return;
    }
    try (var files = Files.list(dir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Files.deleteIfExists(p);
      }
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      // a temporary sample left behind is harmless
    }
  }
}
