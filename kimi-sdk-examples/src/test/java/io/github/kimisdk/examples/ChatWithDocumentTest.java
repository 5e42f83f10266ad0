package io.github.kimisdk.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChatWithDocumentTest {

  @Test
  void uploadsTheSampleShowsItsTextAsksAndDeletes() {
    Captured c = new Captured();
    assertThat(ChatWithDocument.run(new String[0], Map.of(), c.out)).isZero();
    assertThat(c.text())
        .contains("using FakeKimiServer")
        .containsPattern("Document: .*bakery-notice.txt \\(\\d+ bytes\\)")
        .containsPattern("1. uploaded with purpose file-extract: id (\\S+), \\d+ bytes, status ok")
        .containsPattern("2. extracted text \\(GET /files/\\S+/content\\): \\d+ characters")
        .contains("   | Moonlight Bakery - notice to customers\n")
        .contains("   | ...\n")
        .containsPattern("3. sent as a system message before the question: about \\d+ tokens")
        .contains("4. > " + ChatWithDocument.DEFAULT_QUESTION + "\n")
        .contains("   You said: " + ChatWithDocument.DEFAULT_QUESTION + "\n")
        .containsPattern("5. deleted the upload \\S+: true");
  }

  @Test
  void asksAboutTheGivenFileWithTheGivenQuestion(@TempDir Path dir) throws Exception {
    Path notes = Files.writeString(dir.resolve("notes.md"), "# Notes\nThe launch is on 3 May.\n");
    Captured c = new Captured();
    int status =
        ChatWithDocument.run(
            new String[] {notes.toString(), "When", "is", "the", "launch?"}, Map.of(), c.out);
    assertThat(status).isZero();
    assertThat(c.text())
        .contains("Document: " + notes + " (32 bytes)")
        .contains("   | # Notes\n   | The launch is on 3 May.\n3.")
        .contains("4. > When is the launch?\n   You said: When is the launch?\n")
        .contains(": true");
    assertThat(notes).exists();
  }

  @Test
  void aFileThatCannotBeExtractedIsReportedAndStillDeleted(@TempDir Path dir) throws Exception {
    Path binary = Files.write(dir.resolve("blob.bin"), new byte[] {(byte) 0xff, (byte) 0xfe, 0});
    Captured c = new Captured();
    assertThat(ChatWithDocument.run(new String[] {binary.toString()}, Map.of(), c.out))
        .isEqualTo(1);
    assertThat(c.text())
        .contains("   failed: ")
        .contains("File extraction failed")
        .containsPattern("5. deleted the upload \\S+: true");
  }
}
