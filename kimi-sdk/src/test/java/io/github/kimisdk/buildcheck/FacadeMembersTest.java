package io.github.kimisdk.buildcheck;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
    FacadeMembers.assertListed(
        BuildTools.sdkLocation(),
        FACADE,
        Compat.root().resolve(LIST),
        LIST,
        "a new endpoint is a service behind one accessor; mechanism goes into internal.client");
  }

  @Test
  void everyMemberAddedSinceTheBaselineIsNamedInTheChangelog() throws Exception {
    assertThat(
            FacadeMembers.unnamedSinceBaseline(
                BuildTools.sdkLocation(), Compat.baselineSdkJar(), FACADE, Compat.sinceBaseline()))
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
    assertThat(
            FacadeMembers.namedInACodeSpan(text, builder + "apiKey(java.util.function.Supplier)"))
        .isTrue();
    assertThat(FacadeMembers.namedInACodeSpan(text, builder + "apiKey(java.lang.String)"))
        .as("another overload")
        .isFalse();
    assertThat(FacadeMembers.namedInACodeSpan(text, client + "apiKey(java.util.function.Supplier)"))
        .as("another owner")
        .isFalse();
    assertThat(FacadeMembers.namedInACodeSpan(text, client + "files()")).isTrue();
    assertThat(FacadeMembers.namedInACodeSpan(text, client + "filesAsync()")).isFalse();
    assertThat(FacadeMembers.namedInACodeSpan(text, client + "DEFAULT_LIMIT")).isTrue();
    assertThat(
            FacadeMembers.namedInACodeSpan(
                text, client + "chatAll(java.util.List,int,java.util.function.Consumer)"))
        .isTrue();
    assertThat(FacadeMembers.namedInACodeSpan(text, client + "chatAll(java.util.List,int)"))
        .isFalse();
    assertThat(FacadeMembers.namedInACodeSpan(text, client + "close()"))
        .as("japicmp's own syntax")
        .isTrue();
    assertThat(FacadeMembers.namedInACodeSpan(text, client + "models()"))
        .as("outside a code span")
        .isFalse();
    assertThat(FacadeMembers.namedInACodeSpan(text, client + "tokens()")).isFalse();
  }
}
