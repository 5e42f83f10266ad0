package io.github.kimisdk.buildcheck;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A facade held by the list of its public members rather than by its length: {@code KimiClient}'s
 * ({@code kimi-sdk/api/kimi-client-members.txt}, {@code FacadeMembersTest}) and {@code McpClient}'s
 * ({@code kimi-sdk-mcp/api/mcp-client-members.txt}, {@code McpClientMembersTest}). The build fails
 * when the compiled classes hold a public or protected member the list lacks, or lack one it holds;
 * a member added since the baseline release must also be named, in a code span, in what {@code
 * CHANGELOG.md} says since that release. A removed member is japicmp's: a binary-incompatible
 * change ({@code CompatibilityGateTest}).
 */
final class FacadeMembers {

  private FacadeMembers() {}

  /**
   * Fails unless the public and protected members of {@code facade} (binary names) in {@code
   * classes} are exactly those {@code list} names; {@code grow} says, in the failure, how the facade
   * may grow.
   */
  static void assertListed(
      Path classes, List<String> facade, Path list, String listName, String grow)
      throws IOException {
    SortedSet<String> compiled = new TreeSet<>();
    for (String type : facade) {
      compiled.addAll(ClassFiles.members(classes, type));
    }
    SortedSet<String> listed = Compat.committedList(list);
    assertThat(compiled).as("public members of %s", facade).hasSizeGreaterThan(20);
    assertThat(Compat.without(compiled, listed))
        .as(
            "public members of %s that %s does not list: add each, and say in CHANGELOG.md what it"
                + " is for (%s)",
            facade.get(0), listName, grow)
        .isEmpty();
    assertThat(Compat.without(listed, compiled))
        .as(
            "members %s lists that %s no longer has: take them off, and name the break in"
                + " CHANGELOG.md's \"%s\"",
            listName, facade.get(0), Compat.BREAKING_CHANGES)
        .isEmpty();
  }

  /**
   * Returns the members of {@code facade} in {@code classes} that {@code baselineJar} lacked and
   * that {@code since} (the changelog since the baseline) does not name in a code span.
   */
  static List<String> unnamedSinceBaseline(
      Path classes, Path baselineJar, List<String> facade, List<String> since) throws IOException {
    String text = String.join("\n", since);
    List<String> unnamed = new ArrayList<>();
    for (String type : facade) {
      SortedSet<String> added =
          Compat.without(
              ClassFiles.members(classes, type), ClassFiles.members(baselineJar, type));
      for (String member : added) {
        if (!namedInACodeSpan(text, member)) {
          unnamed.add(member);
        }
      }
    }
    return unnamed;
  }

  /**
   * Whether a code span of {@code text} names {@code member} (in japicmp's syntax): as it is, or as
   * its owner's simple name ({@code KimiClient}, {@code KimiClient.Builder}), {@code .} or {@code
   * #}, its name and, for a method or constructor, its parameters, whose types (generics and names
   * aside) are the erased types' simple names.
   */
  static boolean namedInACodeSpan(String text, String member) {
    int hash = member.indexOf('#');
    String owner = member.substring(0, hash);
    String simpleOwner = owner.substring(owner.lastIndexOf('.') + 1).replace('$', '.');
    String signature = member.substring(hash + 1);
    int paren = signature.indexOf('(');
    String name = paren < 0 ? signature : signature.substring(0, paren);
    List<String> parameters = new ArrayList<>();
    if (paren >= 0 && signature.length() > paren + 2) {
      for (String p : signature.substring(paren + 1, signature.length() - 1).split(",")) {
        parameters.add(p.substring(p.lastIndexOf('.') + 1));
      }
    }
    Pattern named =
        Pattern.compile(
            "(?<![\\w.])"
                + Pattern.quote(simpleOwner)
                + "[.#]"
                + Pattern.quote(name)
                + (paren < 0 ? "(?![\\w(])" : "\\(([^)]*)\\)"));
    String[] parts = text.split("`", -1);
    for (int i = 1; i < parts.length - 1; i += 2) {
      if (parts[i].contains(member)) {
        return true;
      }
      Matcher m = named.matcher(parts[i]);
      while (m.find()) {
        if (paren < 0 || parameterTypes(m.group(1)).equals(parameters)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * The simple type names of a written parameter list: {@code Supplier<String> key} is Supplier.
   */
  private static List<String> parameterTypes(String written) {
    String erased = written.replaceAll("<[^<>]*>", "").replaceAll("<[^<>]*>", "").strip();
    List<String> out = new ArrayList<>();
    if (erased.isEmpty()) {
      return out;
    }
    for (String p : erased.split(",")) {
      String type = p.strip().split("\\s+")[0].replace("...", "[]");
      out.add(type.substring(type.lastIndexOf('.') + 1));
    }
    return out;
  }
}
