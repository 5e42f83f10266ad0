package io.github.kimisdk.mcp;

import io.github.kimisdk.base.text.RecordText;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.mcp.internal.rpc.Fields;
import java.util.List;
import java.util.Objects;

/**
 * Holds one skill a server lists (the skills extension, SEP-2640): where its {@code SKILL.md} is,
 * its front matter as the listing gives it, and each of its files with the digest and size they
 * must have. {@link McpSkills} lists skills and reads their files, checking each against this entry
 * before handing it over.
 *
 * @param uri the URI of the skill's {@code SKILL.md}, such as {@code
 *     "skill://pdf-processing/SKILL.md"}
 * @param frontmatter the front matter of its {@code SKILL.md} as the listing gives it ({@code
 *     name}, {@code description}, and any other field)
 * @param resources every file of the skill, {@code SKILL.md} among them; empty when {@code dynamic}
 * @param dynamic whether the server lists no files for the skill ({@code "resources": "dynamic"}),
 *     so that only its {@code SKILL.md}'s front matter can be checked
 */
public record McpSkill(
    String uri, JsonObject frontmatter, List<Resource> resources, boolean dynamic) {

  /**
   * Validates and copies the components.
   *
   * @param uri the URI of the skill's {@code SKILL.md}
   * @param frontmatter its front matter as listed
   * @param resources its files
   * @param dynamic whether the server lists no files
   * @throws NullPointerException if a component or a file is null
   */
  public McpSkill {
    Objects.requireNonNull(uri, "uri must not be null");
    Objects.requireNonNull(frontmatter, "frontmatter must not be null");
    resources = List.copyOf(resources);
  }

  /**
   * Returns the skill's name.
   *
   * @return the front matter's {@code name}; {@code ""} when it has none
   */
  public String name() {
    String n = Fields.string(frontmatter, "name");
    return n == null ? "" : n;
  }

  /**
   * Returns what the skill is for, which tells a model when to load it.
   *
   * @return the front matter's {@code description}; {@code ""} when it has none
   */
  public String description() {
    String d = Fields.string(frontmatter, "description");
    return d == null ? "" : d;
  }

  /**
   * Returns the skill's URI and name, and how many files it lists (or that it is dynamic).
   *
   * @return a short description
   */
  @Override
  public String toString() {
    return RecordText.of("McpSkill")
        .add("uri", uri)
        .add("name", name())
        .add("resources", resources.size())
        .flag("dynamic", dynamic)
        .toString();
  }

  /**
   * Holds one file of a skill as its listing gives it.
   *
   * @param uri the file's URI
   * @param digest the SHA-256 of its bytes, {@code sha256:} and 64 lowercase hexadecimal digits
   * @param size its length in bytes
   */
  public record Resource(String uri, String digest, long size) {

    /**
     * Validates the components.
     *
     * @param uri the file's URI
     * @param digest its digest
     * @param size its length in bytes
     * @throws NullPointerException if {@code uri} or {@code digest} is null
     * @throws IllegalArgumentException if {@code size} is negative
     */
    public Resource {
      Objects.requireNonNull(uri, "uri must not be null");
      Objects.requireNonNull(digest, "digest must not be null");
      if (size < 0) {
        throw new IllegalArgumentException("size must not be negative: " + size);
      }
    }
  }
}
