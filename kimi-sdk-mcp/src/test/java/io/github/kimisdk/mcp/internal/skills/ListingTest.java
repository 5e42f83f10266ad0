package io.github.kimisdk.mcp.internal.skills;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.mcp.McpSkill;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class ListingTest {

  private static final String D = "sha256:" + "ab".repeat(32);
  private static final String FILE =
      "{\"uri\":\"skill://a/SKILL.md\",\"digest\":\"" + D + "\",\"size\":5}";

  private static List<McpSkill> page(String json) {
    List<McpSkill> out = new ArrayList<>();
    Listing.page("s", Json.parse("{\"skills\":[" + json + "]}"), out);
    return out;
  }

  /** An entry with an empty front matter and one resource, {@code file}. */
  private static String withFile(String file) {
    return "{\"uri\":\"skill://a/SKILL.md\",\"frontmatter\":{},\"resources\":[" + file + "]}";
  }

  /** An entry, and whether it is kept. */
  private static final Object[][] ENTRIES = {
    {
      "{\"uri\":\"skill://a/SKILL.md\",\"frontmatter\":{\"name\":\"a\"},\"resources\":["
          + FILE
          + "]}",
      true
    },
    {
      "{\"uri\":\"skill://a/SKILL.md\",\"frontmatter\":{\"name\":\"a\"},\"resources\":\"dynamic\"}",
      true
    },
    {"{\"frontmatter\":{\"name\":\"a\"},\"resources\":[]}", false},
    {"{\"uri\":\"skill://a/SKILL.md\",\"resources\":[]}", false},
    {"{\"uri\":\"skill://a/SKILL.md\",\"frontmatter\":{}}", false},
    {"{\"uri\":\"skill://a/SKILL.md\",\"frontmatter\":{},\"resources\":\"other\"}", false},
    {withFile(FILE.replace("ab", "AB")), false},
    {withFile(FILE.replace("sha256:", "md5:")), false},
    {withFile(FILE.replace("5}", "-1}")), false},
    {withFile(FILE.replace("5}", "1.5}")), false},
    {withFile(FILE.replace("5}", "\"5\"}")), false},
    {withFile(FILE.replace("5}", "1e30}")), false},
    {"\"not an object\"", false},
  };

  @Test
  void anEntryThatBreaksTheRulesIsLeftOut() {
    for (Object[] row : ENTRIES) {
      assertThat(page((String) row[0])).as((String) row[0]).hasSize((Boolean) row[1] ? 1 : 0);
    }
    McpSkill dynamic = page((String) ENTRIES[1][0]).get(0);
    assertThat(dynamic.dynamic()).isTrue();
    assertThat(dynamic.resources()).isEmpty();
    McpSkill listed = page((String) ENTRIES[0][0]).get(0);
    assertThat(listed.resources())
        .containsExactly(new McpSkill.Resource("skill://a/SKILL.md", D, 5));
    assertThat(listed.name()).isEqualTo("a");
    assertThat(listed.description()).isEmpty();
  }

  @Test
  void aSkillOfMoreThan512FilesIsLeftOut() {
    String files = String.join(",", java.util.Collections.nCopies(Listing.MAX_RESOURCES, FILE));
    String entry = "{\"uri\":\"skill://a/SKILL.md\",\"frontmatter\":{},\"resources\":[%s]}";
    assertThat(page(String.format(entry, files))).hasSize(1);
    assertThat(page(String.format(entry, files + "," + FILE))).isEmpty();
  }

  @Test
  void theCursorOfTheNextPageIsGiven() {
    List<McpSkill> out = new ArrayList<>();
    assertThat(Listing.page("s", Json.parse("{\"skills\":[],\"nextCursor\":\"2\"}"), out))
        .isEqualTo("2");
    assertThat(Listing.page("s", Json.parse("{\"skills\":[],\"nextCursor\":\"\"}"), out)).isNull();
    assertThat(Listing.page("s", Json.parse("{}"), out)).isNull();
    assertThat(Listing.page("s", Json.parse("[]"), out)).isNull();
  }

  @Test
  void contentIsCheckedBySizeThenDigest() {
    byte[] hello = "hello".getBytes(StandardCharsets.UTF_8);
    String digest = "sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";
    assertThat(Listing.check(hello, new McpSkill.Resource("u", digest, 5))).isNull();
    assertThat(Listing.check(hello, new McpSkill.Resource("u", digest, 6)))
        .isEqualTo("size: 5 bytes, not the 6 listed");
    assertThat(
            Listing.check(
                "jello".getBytes(StandardCharsets.UTF_8), new McpSkill.Resource("u", digest, 5)))
        .isEqualTo("digest: not the one listed");
  }

  @Test
  void theContentOfTheUriAskedForIsRead() {
    String blob = Base64.getEncoder().encodeToString(new byte[] {1, 2, 3});
    JsonValue r =
        Json.parse(
            "{\"contents\":[{\"uri\":\"other\",\"text\":\"x\"},{\"uri\":\"u\",\"text\":\"é\"},"
                + "{\"uri\":\"b\",\"blob\":\""
                + blob
                + "\"},{\"uri\":\"bad\",\"blob\":\"%%%\"}]}");
    assertThat(Listing.content(r, "u")).isEqualTo("é".getBytes(StandardCharsets.UTF_8));
    assertThat(Listing.content(r, "b")).containsExactly(1, 2, 3);
    assertThat(Listing.content(r, "bad")).isNull();
    assertThat(Listing.content(r, "missing")).isNull();
    assertThat(Listing.content(Json.parse("{}"), "u")).isNull();
  }

  @Test
  void aFileWithinTheSkillIsUnderItsDirectory() {
    McpSkill s =
        new McpSkill(
            "skill://acme/pdf/SKILL.md", io.github.kimisdk.json.JsonObject.of(), List.of(), true);
    assertThat(Listing.within(s, "skill://acme/pdf/references/FORMS.md")).isTrue();
    assertThat(Listing.within(s, "skill://acme/other/SKILL.md")).isFalse();
    assertThat(Listing.within(s, "skill://acme/pdf/../secrets.md")).isFalse();
    assertThat(Listing.within(s, "skill://acme/pdf/..")).isFalse();
  }

  @Test
  void serverTextIsCutAndItsControlCharactersEscaped() {
    assertThat(Listing.shown("a\nb\u001b[31mc\u0085")).isEqualTo("a\\u000ab\\u001b[31mc\\u0085");
    assertThat(Listing.shown("x".repeat(10_000))).hasSizeLessThan(5_000);
  }
}
