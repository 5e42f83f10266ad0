package io.github.kimisdk.buildcheck;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code KimiClient} is the facade: chat, the accessors of its services, the derived clients and
 * the builder's setters, each handing its work to {@code internal.client}. It grows only with a
 * reason: {@code kimi-sdk/api/kimi-client-members.txt} lists every public member of {@code
 * KimiClient} and {@code KimiClient.Builder}, and the build fails when the compiled classes hold
 * one more or one fewer; a member added since the baseline release must also be named, in a code
 * span, in what {@code CHANGELOG.md} says since that release. A new platform endpoint is a service
 * of its own behind one accessor (as {@code models()} and {@code files()} are), and mechanism goes
 * into {@code internal.client}, so an accessor is the line a new service adds. A removed member is
 * japicmp's: a binary-incompatible change ({@code CompatibilityGateTest}).
 */
class FacadeMembersTest {

  static final String LIST = "kimi-sdk/api/kimi-client-members.txt";

  /** The facade's classes, by binary name. */
  static final List<String> FACADE =
      List.of("io.github.kimisdk.KimiClient", "io.github.kimisdk.KimiClient$Builder");

  @Test
  void kimiClientsPublicMembersAreTheCommittedList() throws Exception {
    SortedSet<String> compiled = new TreeSet<>();
    for (String type : FACADE) {
      compiled.addAll(ClassFiles.members(BuildTools.sdkLocation(), type));
    }
    SortedSet<String> listed = Compat.committedList(LIST);
    assertThat(compiled).as("public members of %s", FACADE).hasSizeGreaterThan(50);
    assertThat(Compat.without(compiled, listed))
        .as(
            "public members of KimiClient that %s does not list: add each, and say in"
                + " CHANGELOG.md what it is for (a new endpoint is a service behind one accessor;"
                + " mechanism goes into internal.client)",
            LIST)
        .isEmpty();
    assertThat(Compat.without(listed, compiled))
        .as(
            "members %s lists that KimiClient no longer has: take them off, and name the break in"
                + " CHANGELOG.md's \"%s\"",
            LIST, Compat.BREAKING_CHANGES)
        .isEmpty();
  }

  @Test
  void everyMemberAddedSinceTheBaselineIsNamedInTheChangelog() throws Exception {
    String since = String.join("\n", Compat.sinceBaseline());
    List<String> unnamed = new ArrayList<>();
    for (String type : FACADE) {
      SortedSet<String> added =
          Compat.without(
              ClassFiles.members(BuildTools.sdkLocation(), type),
              ClassFiles.members(Compat.baselineSdkJar(), type));
      for (String member : added) {
        if (!namedInACodeSpan(since, member)) {
          unnamed.add(member);
        }
      }
    }
    assertThat(unnamed)
        .as(
            "members of KimiClient added since %s that CHANGELOG.md does not name (in a code span"
                + " such as `KimiClient.files()`, in what changed since %s): say what each is for",
            Compat.baseline(), Compat.baseline())
        .isEmpty();
  }

  @Test
  void theListHoldsPublicAndProtectedMembersButNothingTheCompilerMade(@TempDir Path dir)
      throws Exception {
    Map<String, String> sources = new TreeMap<>();
    sources.put(
        "api/Face.java",
        """
        package api;
        public class Face implements Comparable<Face> {
          public static final int LIMIT = 1;
          public volatile long seen;
          int hidden;
          public Face() {}
          Face(int x) {}
          public java.util.List<String> names(String[] all, int n, Runnable... then) { return null; }
          protected void kept() {}
          private void secret() {}
          public int compareTo(Face other) { return 0; }
          public static final class Inner { public Inner(long id) {} public void go() {} }
          static { System.getProperty("x"); }
        }
        """);
    Path classes = LayoutTest.compile(dir, sources);
    assertThat(ClassFiles.members(classes, "api.Face"))
        .as("no bridge compareTo(Object), no static initialiser, the volatile field kept")
        .containsExactly(
            "api.Face#Face()",
            "api.Face#LIMIT",
            "api.Face#compareTo(api.Face)",
            "api.Face#kept()",
            "api.Face#names(java.lang.String[],int,java.lang.Runnable[])",
            "api.Face#seen");
    assertThat(ClassFiles.members(classes, "api.Face$Inner"))
        .containsExactly("api.Face$Inner#Inner(long)", "api.Face$Inner#go()");
  }

  @Test
  void aMemberIsNamedByItsOwnerItsNameAndItsParameterTypes() {
    String text =
        "New `KimiClient.Builder.apiKey(Supplier<String> key)`, `KimiClient#files()`,"
            + " `KimiClient.DEFAULT_LIMIT`, `KimiClient.chatAll(List<ChatRequest>, int,"
            + " Consumer<ChatResult>)`, `io.github.kimisdk.KimiClient#close()`; plain"
            + " KimiClient.models() is prose, `kimi.tokens()` names no owner.";
    String client = "io.github.kimisdk.KimiClient#";
    String builder = "io.github.kimisdk.KimiClient$Builder#";
    assertThat(namedInACodeSpan(text, builder + "apiKey(java.util.function.Supplier)")).isTrue();
    assertThat(namedInACodeSpan(text, builder + "apiKey(java.lang.String)"))
        .as("another overload")
        .isFalse();
    assertThat(namedInACodeSpan(text, client + "apiKey(java.util.function.Supplier)"))
        .as("another owner")
        .isFalse();
    assertThat(namedInACodeSpan(text, client + "files()")).isTrue();
    assertThat(namedInACodeSpan(text, client + "filesAsync()")).isFalse();
    assertThat(namedInACodeSpan(text, client + "DEFAULT_LIMIT")).isTrue();
    assertThat(
            namedInACodeSpan(
                text, client + "chatAll(java.util.List,int,java.util.function.Consumer)"))
        .isTrue();
    assertThat(namedInACodeSpan(text, client + "chatAll(java.util.List,int)")).isFalse();
    assertThat(namedInACodeSpan(text, client + "close()")).as("japicmp's own syntax").isTrue();
    assertThat(namedInACodeSpan(text, client + "models()")).as("outside a code span").isFalse();
    assertThat(namedInACodeSpan(text, client + "tokens()")).isFalse();
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
