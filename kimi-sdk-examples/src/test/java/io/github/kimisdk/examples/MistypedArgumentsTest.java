package io.github.kimisdk.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An example given a file it cannot use says so in one line, with the path and the reason, and
 * exits with status 2, instead of a stack trace.
 */
class MistypedArgumentsTest {

  @TempDir static Path dir;

  /** Each example that takes a path, run with {@code path} where it expects a file. */
  static Stream<Arguments> examplesTakingAFile() {
    Map<String, String> none = Map.of();
    return Stream.of(
        Arguments.of("Vision", (Runner) (p, out) -> Vision.run(p, none, out)),
        Arguments.of(
            "ChatWithDocument",
            (Runner) (p, out) -> ChatWithDocument.run(new String[] {p.toString()}, none, out)),
        Arguments.of(
            "TokenCounting file",
            (Runner) (p, out) -> TokenCounting.run(new String[] {p.toString()}, none, out)),
        Arguments.of(
            "TokenCounting --vocab",
            (Runner)
                (p, out) -> TokenCounting.run(new String[] {"--vocab", p.toString()}, none, out)),
        Arguments.of(
            "ContextBudgeting --vocab",
            (Runner)
                (p, out) ->
                    ContextBudgeting.run(new String[] {"--vocab", p.toString()}, none, out)));
  }

  interface Runner {
    int run(Path file, java.io.PrintStream out);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examplesTakingAFile")
  void aMissingFileIsOneLine(String name, Runner example) {
    Path missing = dir.resolve("no-such-file.png");
    Captured c = new Captured();
    assertThat(example.run(missing, c.out)).isEqualTo(2);
    assertThat(c.text())
        .endsWith("Cannot use " + missing + ": no such file or directory.\n")
        .doesNotContain("Exception")
        .doesNotContain("\tat ");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examplesTakingAFile")
  void aDirectoryIsOneLine(String name, Runner example) {
    Captured c = new Captured();
    assertThat(example.run(dir, c.out)).isEqualTo(2);
    assertThat(c.text()).endsWith("Cannot use " + dir + ": it is a directory, not a file.\n");
  }

  @Test
  void resumeConversationRefusesADirectoryAndANewFileInAMissingDirectory() {
    Captured c = new Captured();
    assertThat(ResumeConversation.run(new String[] {dir.toString()}, Map.of(), c.out)).isEqualTo(2);
    assertThat(c.text()).isEqualTo("Cannot use " + dir + ": it is a directory, not a file.\n");

    Path nowhere = dir.resolve("missing-dir").resolve("trip.json");
    Captured later = new Captured();
    assertThat(ResumeConversation.run(new String[] {nowhere.toString()}, Map.of(), later.out))
        .isEqualTo(2);
    assertThat(later.text())
        .contains("You said: ")
        .endsWith("Cannot use " + nowhere + ": no such file or directory.\n");
  }

  @Test
  void bulkRunRefusesAFileWhereItKeepsItsStateDirectory() throws java.io.IOException {
    Path file = java.nio.file.Files.writeString(dir.resolve("state.txt"), "x");
    Captured c = new Captured();
    assertThat(BulkRun.run(new String[] {file.toString()}, Map.of(), c.out)).isEqualTo(2);
    assertThat(c.text()).isEqualTo("Cannot use " + file + ": it is a file, not a directory.\n");
  }

  @Test
  void manyRequestsRefusesAConcurrencyThatIsNotAPositiveNumber() {
    for (String bad : new String[] {"x", "0", "-3", "2.5"}) {
      Captured c = new Captured();
      assertThat(ManyRequests.run(new String[] {bad}, Map.of(), c.out)).isEqualTo(2);
      assertThat(c.text())
          .isEqualTo(
              "The argument is how many requests may be in flight at once, a whole number from 1: "
                  + bad
                  + "\n");
    }
  }

  @Test
  void helperNamesTheReasonOfAnyIoFailure() {
    Function<Exception, String> line = e -> ExampleSession.fileProblem(Path.of("f"), e);
    assertThat(line.apply(new java.nio.file.AccessDeniedException("f")))
        .isEqualTo("Cannot use f: permission denied.");
    assertThat(
            line.apply(
                new java.io.UncheckedIOException(
                    "cannot read f", new java.nio.file.NoSuchFileException("f"))))
        .isEqualTo("Cannot use f: no such file or directory.");
    assertThat(line.apply(new java.io.IOException("Is a directory")))
        .isEqualTo("Cannot use f: Is a directory.");
  }
}
