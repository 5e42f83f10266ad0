package io.github.kimisdk.mcp.internal.skills;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FrontMatterTest {

  private static String md(String yaml) {
    return "---\n" + yaml + "---\n\nBody.\n";
  }

  private static void matches(String yaml, String json) throws Exception {
    FrontMatter.compare(md(yaml), Json.parse(json).asObject());
  }

  private static void differs(String yaml, String json, String why) {
    assertThatThrownBy(() -> matches(yaml, json))
        .as(yaml)
        .isInstanceOf(FrontMatter.Mismatch.class)
        .hasMessageContaining(why);
  }

  /** YAML written as front matter is, and the JSON its listing renders it as. */
  private static final String[][] SAME = {
    {
      "name: pdf\ndescription: Fill PDF forms\n",
      "{\"name\":\"pdf\",\"description\":\"Fill PDF forms\"}"
    },
    {
      "name: \"pdf\"\ndescription: 'it''s: \"x\"'\n",
      "{\"name\":\"pdf\",\"description\":\"it's: \\\"x\\\"\"}"
    },
    {"a: \"tab\\there \\u00e9 \\\\ \\\" done\"\n", "{\"a\":\"tab\\there é \\\\ \\\" done\"}"},
    {"a: plain # a comment\n# a line of comment\nb: x#y\n", "{\"a\":\"plain\",\"b\":\"x#y\"}"},
    {
      "a: a long\n  description folded\n  over lines\n",
      "{\"a\":\"a long description folded over lines\"}"
    },
    {"a: |\n  line one\n  line two\n", "{\"a\":\"line one\\nline two\\n\"}"},
    {"a: |-\n  kept\n\n  apart\n\n", "{\"a\":\"kept\\n\\napart\"}"},
    {"a: |+\n  x\n\n", "{\"a\":\"x\\n\\n\"}"},
    {"a: >\n  folded\n  text\n\n  new paragraph\n", "{\"a\":\"folded text\\nnew paragraph\\n\"}"},
    {
      "version: 1.0\ncount: 3\nok: true\nnone: null\nempty:\n",
      "{\"version\":1,\"count\":3,\"ok\":true,\"none\":null,\"empty\":null}"
    },
    {"version: 1.0\n", "{\"version\":\"1.0\"}"},
    {
      "metadata:\n  author: ada\n  nested:\n    deep: yes\n",
      "{\"metadata\":{\"author\":\"ada\",\"nested\":{\"deep\":\"yes\"}}}"
    },
    {
      "tools:\n  - Read\n  - \"Write\"\nmore: [a, b]\nnone: []\n",
      "{\"tools\":[\"Read\",\"Write\"],\"more\":[\"a\",\"b\"],\"none\":[]}"
    },
    {"tools:\n- Read\n- Grep\nafter: x\n", "{\"tools\":[\"Read\",\"Grep\"],\"after\":\"x\"}"},
    {"url: https://example.com/a:b\n", "{\"url\":\"https://example.com/a:b\"}"},
    {"\"quoted key\": v\n", "{\"quoted key\":\"v\"}"},
  };

  @Test
  void frontMatterAsWrittenMatchesItsListing() throws Exception {
    for (String[] row : SAME) {
      matches(row[0], row[1]);
    }
  }

  /** A field of the file that differs from the listing, and where the mismatch is named. */
  private static final String[][] DIFFERENT = {
    {
      "name: pdf\ndescription: Exfiltrate credentials\n",
      "{\"name\":\"pdf\",\"description\":\"Fill\"}",
      "at description"
    },
    {"name: pdf\n", "{\"name\":\"pdf\",\"description\":\"Fill\"}", "at its fields"},
    {"name: pdf\nextra: x\n", "{\"name\":\"pdf\"}", "at its fields"},
    {"count: 3\n", "{\"count\":4}", "at count"},
    {"ok: \"true\"\n", "{\"ok\":true}", "at ok"}, // quoted: a string, not a boolean
    {"a: |\n  x\n", "{\"a\":\"x\"}", "at a"}, // the clip keeps the final line break
    {"metadata:\n  author: eve\n", "{\"metadata\":{\"author\":\"ada\"}}", "at metadata.author"},
    {"tools:\n  - Read\n", "{\"tools\":[\"Read\",\"Write\"]}", "at tools"},
    {"tools: [Read, Bash]\n", "{\"tools\":[\"Read\",\"Write\"]}", "at tools[1]"},
    {"name: pdf\n", "{\"name\":[\"pdf\"]}", "at name"},
  };

  @Test
  void anyDifferenceIsNamed() {
    for (String[] row : DIFFERENT) {
      differs(row[0], row[1], row[2]);
    }
  }

  /** What this reader refuses to read, and so never takes for a match. */
  private static final String[][] UNREAD = {
    {"No front matter here.\n", "does not begin with YAML front matter"},
    {"---\nname: pdf\n", "does not end"},
    {"---\nname: &a pdf\n---\n", "YAML this client does not read"},
    {"---\nname: *a\n---\n", "YAML this client does not read"},
    {"---\nname: !!str pdf\n---\n", "YAML this client does not read"},
    {"---\nmeta: {a: b}\n---\n", "YAML this client does not read"},
    {"---\nname: \"open\n---\n", "quoted text this client does not read"},
    {"---\nname: pdf\nname: pdf\n---\n", "names name twice"},
    {"---\n\tname: pdf\n---\n", "indented with a tab"},
    {"---\nname: pdf\njust words\n---\n", "not key: value"},
    {"---\nlist:\n  - a: b\n---\n", "list of mappings"},
    {"---\nname: pdf\n  more: x\n---\n", "indented unevenly"},
    {"---\n- a\n- b\n---\n", "not a mapping"},
    {"---\nname: \"bad \\q escape\"\n---\n", "escape this client does not read"},
  };

  @Test
  void whatCannotBeReadIsRefused() {
    for (String[] row : UNREAD) {
      assertThatThrownBy(() -> FrontMatter.compare(row[0], JsonObject.of()))
          .as(row[0])
          .isInstanceOf(FrontMatter.Mismatch.class)
          .hasMessageContaining(row[1]);
    }
  }

  @Test
  void sizeAndDepthAreBounded() {
    String big = "a: " + "x".repeat(FrontMatter.MAX_CHARS) + "\n";
    assertThatThrownBy(() -> FrontMatter.compare(md(big), JsonObject.of()))
        .hasMessageContaining("longer than");
    StringBuilder deep = new StringBuilder();
    for (int i = 0; i < FrontMatter.MAX_DEPTH + 2; i++) {
      deep.append("  ".repeat(i)).append("k").append(i).append(":\n");
    }
    deep.append("  ".repeat(FrontMatter.MAX_DEPTH + 2)).append("leaf: x\n");
    assertThatThrownBy(() -> FrontMatter.compare(md(deep.toString()), JsonObject.of()))
        .hasMessageContaining("nests deeper");
  }

  @Test
  void aByteOrderMarkAndCarriageReturnsAreRead() throws Exception {
    FrontMatter.compare(
        "\uFEFF---\r\nname: pdf\r\n---\r\nBody", JsonObject.of("name", JsonString.of("pdf")));
  }

  /**
   * Property: any front matter of text values, written as double-quoted YAML, matches its JSON;
   * changing one character of one value makes it differ at that field (seed 2640).
   */
  @Test
  void quotedTextsRoundTripAndEveryChangeIsSeen() throws Exception {
    Random random = new Random(2640);
    String alphabet = "abcXYZ019 :#-'\"\\\t\né{}[]&*!|>%@`,?";
    for (int n = 0; n < 500; n++) {
      JsonObject.Builder json = JsonObject.builder();
      StringBuilder yaml = new StringBuilder();
      int fields = 1 + random.nextInt(5);
      String[] values = new String[fields];
      for (int f = 0; f < fields; f++) {
        StringBuilder v = new StringBuilder();
        for (int c = random.nextInt(20); c > 0; c--) {
          v.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        values[f] = v.toString();
        json.put("k" + f, values[f]);
        yaml.append("k").append(f).append(": ").append(quoted(values[f])).append('\n');
      }
      JsonObject listing = json.build();
      FrontMatter.compare(md(yaml.toString()), listing);
      int changed = random.nextInt(fields);
      JsonObject.Builder other = JsonObject.builder();
      for (Map.Entry<String, io.github.kimisdk.json.JsonValue> e : listing.members().entrySet()) {
        other.put(e.getKey(), e.getValue());
      }
      other.put("k" + changed, values[changed] + "!");
      assertThatThrownBy(() -> FrontMatter.compare(md(yaml.toString()), other.build()))
          .hasMessageEndingWith("at k" + changed);
    }
  }

  private static String quoted(String s) {
    StringBuilder q = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"':
          q.append("\\\"");
          break;
        case '\\':
          q.append("\\\\");
          break;
        case '\t':
          q.append("\\t");
          break;
        case '\n':
          q.append("\\n");
          break;
        default:
          q.append(c);
      }
    }
    return q.append('"').toString();
  }

  @Test
  void aFrontMatterIsReadAsMapsListsAndScalars() throws Exception {
    Map<String, Object> m = FrontMatter.read(md("a: x\nb:\n  - y\n"));
    assertThat(m)
        .containsEntry("a", new FrontMatter.Scalar("x", true))
        .containsEntry("b", List.of(new FrontMatter.Scalar("y", true)));
  }
}
