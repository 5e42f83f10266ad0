package io.github.kimisdk.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The skills extension (SEP-2640) against a server on loopback: listing reads no file, and a file
 * is handed over only once its size, digest and (for SKILL.md) front matter match its listing.
 */
class McpSkillsHttpTest {

  /** A check of a skills server and the skills its client offers. */
  interface SkillsCheck {
    void check(SkillsTestServer server, McpSkills skills) throws Exception;
  }

  /** Runs {@code check} against a skills server started with {@code options} and its client. */
  private static void withSkills(SkillsCheck check, String... options) throws Exception {
    try (SkillsTestServer server = SkillsTestServer.start(options);
        McpClient mcp = McpClient.http(server.url())) {
      check.check(server, McpSkills.of(mcp));
    }
  }

  @Test
  void listingReadsNoFileAndLeavesOutBrokenEntries() throws Exception {
    withSkills(
        (server, skills) -> {
          assertThat(skills.offered()).isTrue();
          List<McpSkill> listed = skills.list();
          assertThat(listed).extracting(McpSkill::name).containsExactly("pdf-processing", "notes");
          assertThat(listed.get(0).description())
              .isEqualTo("Extract, fill, and assemble PDF documents");
          assertThat(server.methods).containsSubsequence("skills/list", "skills/list");
          assertThat(server.reads).as("no file read before a skill is loaded").isEmpty();
          assertThat(skills).hasToString("McpSkills[skills]");
        });
  }

  @Test
  void aVerifiedSkillIsLoadedAndItsFilesRead() throws Exception {
    withSkills(
        (server, skills) -> {
          McpSkill pdf = skills.list().get(0);
          assertThat(skills.load(pdf)).isEqualTo(SkillsTestServer.PDF_MD);
          assertThat(new String(skills.read(pdf, SkillsTestServer.FORMS), StandardCharsets.UTF_8))
              .isEqualTo(SkillsTestServer.FORMS_MD);
          assertThat(server.reads).containsExactly(SkillsTestServer.PDF, SkillsTestServer.FORMS);
          assertThatThrownBy(() -> skills.read(pdf, "skill://notes/SKILL.md"))
              .isInstanceOf(IllegalArgumentException.class)
              .hasMessage("not a file of the skill pdf-processing: skill://notes/SKILL.md");
        });
  }

  @Test
  void aSkillThatFailsACheckIsNotLoaded() throws Exception {
    String[][] table = {
      {"tamper=digest", "SKILL.md fails its check (digest: not the one listed): not used"},
      {"tamper=size", "SKILL.md fails its check (size: 125 bytes, not the 121 listed): not used"},
      {
        "tamper=frontmatter",
        "SKILL.md fails its check (its front matter differs from its listing at description)"
      },
    };
    for (String[] row : table) {
      withSkills(
          (server, skills) -> {
            McpSkill pdf = skills.list().get(0);
            assertThatThrownBy(() -> skills.load(pdf))
                .as(row[0])
                .isInstanceOf(McpException.class)
                .hasMessage(
                    "MCP server \"skills\": skill pdf-processing: "
                        + row[1]
                        + (row[1].endsWith("used") ? "" : ": not used"))
                .extracting(e -> ((McpException) e).kind())
                .isEqualTo(McpException.Kind.PROTOCOL);
          },
          row[0]);
    }
  }

  @Test
  void aDynamicSkillIsCheckedByItsFrontMatterAndReadWithinItsDirectory() throws Exception {
    withSkills(
        (server, skills) -> {
          McpSkill notes = skills.list().get(1);
          assertThat(notes.dynamic()).isTrue();
          assertThat(skills.load(notes)).isEqualTo(SkillsTestServer.NOTES_MD);
          assertThat(skills.read(notes, "skill://notes/extra.md")).isNotEmpty();
          assertThatThrownBy(() -> skills.read(notes, "skill://pdf-processing/SKILL.md"))
              .isInstanceOf(IllegalArgumentException.class)
              .hasMessage("not within the skill notes: skill://pdf-processing/SKILL.md");
        });
  }

  @Test
  void aServerWithoutTheExtensionServesNoSkillsAndIsNotAsked() throws Exception {
    withSkills(
        (server, skills) -> {
          assertThat(skills.offered()).isFalse();
          assertThat(skills.list()).isEmpty();
          assertThat(server.methods).doesNotContain("skills/list");
        },
        "no-extension");
  }
}
