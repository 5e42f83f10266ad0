/**
 * The skills extension (SEP-2640) behind {@code McpSkills}: a server's listing read to its bounds
 * ({@link io.github.kimisdk.mcp.internal.skills.Listing}), and every file checked before use
 * against its entry: its size and SHA-256 digest, and a {@code SKILL.md}'s YAML front matter
 * compared field by field with the entry's ({@link
 * io.github.kimisdk.mcp.internal.skills.FrontMatter}). Not exported.
 */
package io.github.kimisdk.mcp.internal.skills;
