package io.github.kimisdk.mcp;

import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.mcp.internal.skills.FrontMatter;
import io.github.kimisdk.mcp.internal.skills.Listing;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The skills a server serves (the MCP skills extension, SEP-2640, {@value #EXTENSION}):
 * instructions and files an agent loads when a task needs them. Listing reads no file; a file is
 * read only when asked for, and is checked before it is handed over: its size and SHA-256 digest
 * against the skill's listing, and for {@code SKILL.md} its YAML front matter against the
 * listing's, field by field. Content that fails a check is never returned: the call fails with
 * {@link McpException.Kind#PROTOCOL}, saying which check.
 *
 * <pre>{@code
 * McpSkills skills = McpSkills.of(client);
 * for (McpSkill s : skills.list()) {
 *   System.out.println(s.name() + ": " + s.description());
 * }
 * String instructions = skills.load(chosen); // SKILL.md, checked
 * byte[] form = skills.read(chosen, "skill://pdf-processing/references/FORMS.md");
 * }</pre>
 *
 * <p>Thread-safe, as its client is.
 */
public final class McpSkills {

  /** The extension's identifier, which a server declares among its capabilities' extensions. */
  public static final String EXTENSION = "io.modelcontextprotocol/skills";

  private final McpClient client;

  private McpSkills(McpClient client) {
    this.client = client;
  }

  /**
   * Returns the skills of {@code client}'s server.
   *
   * @param client a connected client
   * @return its skills
   * @throws NullPointerException if {@code client} is null
   */
  public static McpSkills of(McpClient client) {
    return new McpSkills(Objects.requireNonNull(client, "client must not be null"));
  }

  /**
   * Tells whether the server declares the skills extension ({@code capabilities.extensions}).
   *
   * @return true when it does
   */
  public boolean offered() {
    return client.serverInfo().capabilities().get("extensions") instanceof JsonObject e
        && e.has(EXTENSION);
  }

  /**
   * Lists the server's skills (every page of {@code skills/list}), reading none of their files. An
   * entry that breaks the extension's rules (no {@code uri} or front matter, a file without a
   * well-formed digest or size, more than {@value Listing#MAX_RESOURCES} files) is left out, with a
   * warning in the log.
   *
   * @return the skills, in the server's order; empty when the server does not declare the extension
   * @throws McpException if listing fails
   */
  public List<McpSkill> list() {
    List<McpSkill> skills = new ArrayList<>();
    if (!offered()) {
      return skills;
    }
    String cursor = null;
    for (int page = 0; page < Listing.MAX_PAGES; page++) {
      JsonValue r =
          client.request(
              "skills/list",
              cursor == null ? null : JsonObject.of("cursor", JsonString.of(cursor)));
      cursor = Listing.page(client.name(), r, skills);
      if (cursor == null) {
        return skills;
      }
    }
    return skills;
  }

  /**
   * Reads a skill's {@code SKILL.md} and checks it against the skill's listing: its size and digest
   * (unless the skill is {@linkplain McpSkill#dynamic() dynamic}), and its front matter, field by
   * field.
   *
   * @param skill one of this server's skills, from {@link #list()}
   * @return the text of {@code SKILL.md}, front matter included
   * @throws NullPointerException if {@code skill} is null
   * @throws McpException if reading fails, or the file fails a check ({@link
   *     McpException.Kind#PROTOCOL}: the skill is not to be loaded)
   */
  public String load(McpSkill skill) {
    Objects.requireNonNull(skill, "skill must not be null");
    String text = new String(fetch(skill, skill.uri(), true), StandardCharsets.UTF_8);
    try {
      FrontMatter.compare(text, skill.frontmatter());
    } catch (FrontMatter.Mismatch e) {
      throw refused(skill, "SKILL.md", e.getMessage());
    }
    return text;
  }

  /**
   * Reads one file of a skill and checks its size and digest against the skill's listing; a file of
   * a {@linkplain McpSkill#dynamic() dynamic} skill, which lists none, is read unchecked from
   * within the skill's directory.
   *
   * @param skill one of this server's skills, from {@link #list()}
   * @param uri the file's URI, one of {@link McpSkill#resources()}
   * @return the file's bytes
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code uri} is not a file of {@code skill}
   * @throws McpException if reading fails, or the file fails a check ({@link
   *     McpException.Kind#PROTOCOL})
   */
  public byte[] read(McpSkill skill, String uri) {
    Objects.requireNonNull(skill, "skill must not be null");
    Objects.requireNonNull(uri, "uri must not be null");
    return fetch(skill, uri, false);
  }

  private byte[] fetch(McpSkill skill, String uri, boolean skillMd) {
    McpSkill.Resource listed = Listing.resource(skill, uri);
    if (listed == null && !skill.dynamic() && !skillMd) {
      throw new IllegalArgumentException(
          "not a file of the skill " + skill.name() + ": " + Listing.shown(uri));
    }
    if (listed == null && !skill.dynamic()) {
      throw refused(skill, "SKILL.md", "its listing gives no digest or size for it");
    }
    if (listed == null && !Listing.within(skill, uri)) {
      throw new IllegalArgumentException(
          "not within the skill " + skill.name() + ": " + Listing.shown(uri));
    }
    JsonValue r = client.request("resources/read", JsonObject.of("uri", JsonString.of(uri)));
    byte[] content = Listing.content(r, uri);
    if (content == null) {
      throw refused(skill, uri, "the server's answer holds no content for it");
    }
    String wrong = listed == null ? null : Listing.check(content, listed);
    if (wrong != null) {
      throw refused(skill, skillMd ? "SKILL.md" : uri, wrong);
    }
    return content;
  }

  private McpException refused(McpSkill skill, String file, String why) {
    return McpException.FAILURES.protocol(
        client.name(),
        "skill "
            + Listing.shown(skill.name())
            + ": "
            + Listing.shown(file)
            + " fails its check ("
            + why
            + "): not used",
        null);
  }

  /**
   * Returns the client's server, never a skill's content.
   *
   * @return a description
   */
  @Override
  public String toString() {
    return "McpSkills[" + client.name() + "]";
  }
}
