package io.github.kimisdk.buildcheck;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The layout stays as {@code DESIGN.md} draws it: {@link Layout} reads the compiled classes and
 * checks its rules (no class cycle across packages, the one-way rules, a root package of public
 * nouns). The checker itself is tested on small compiled layouts that break each rule.
 */
class LayoutTest {

  @Test
  void theSdkKeepsItsLayout() throws Exception {
    Path sdk = BuildTools.sdkLocation();
    Layout layout = Layout.read(sdk);
    assertThat(layout.classes()).as("classes read from %s", sdk).hasSizeGreaterThan(100);
    assertThat(layout.uses("KimiClient"))
        .contains("chat.ChatRequest", "internal.client.ClientScope");
    assertThat(layout.violations()).as("layout rules broken in %s", sdk).isEmpty();
  }

  @Test
  void theExportedPackagesAreTheModulesExportsAndTheBaseGoesToSatellitesOnly() throws Exception {
    ModuleDescriptor descriptor =
        ModuleFinder.of(BuildTools.sdkLocation())
            .find("io.github.kimisdk")
            .orElseThrow()
            .descriptor();
    Set<String> exported = new TreeSet<>();
    for (ModuleDescriptor.Exports e : descriptor.exports()) {
      String relative = e.source().equals("io.github.kimisdk") ? "" : e.source().substring(18);
      if (e.isQualified() && relative.equals(Layout.FAILURE_DOOR)) {
        // the exceptions' constructors, to the satellites whose failures are the client's own
        assertThat(e.targets()).as("qualified export %s", e).isSubsetOf(Layout.FAILING_SATELLITES);
      } else if (e.isQualified() && relative.equals(Layout.HOST_DOOR)) {
        // a client's targets as its host check sends to them, to the host check alone
        assertThat(e.targets()).as("qualified export %s", e).isEqualTo(Set.of(Layout.HOST_CHECK));
      } else if (e.isQualified()) {
        // the base floor, to the satellite artifacts only, as OkHttp exports its internals
        assertThat(relative).as("qualified export %s", e).startsWith(Layout.BASE_FLOOR + ".");
        assertThat(e.targets()).as("qualified export %s", e).isSubsetOf(Layout.SATELLITES);
      } else {
        exported.add(relative);
      }
    }
    assertThat(exported).isEqualTo(new TreeSet<>(Layout.EXPORTED));
    // FakeKimiServer is kimi-sdk-testing's: the core holds no class of its package
    assertThat(descriptor.packages()).doesNotContain("io.github.kimisdk.testing");
  }

  /**
   * CONTRIBUTING.md's architecture table names every package of the module, each once, with how it
   * is exported, and names no package the module lacks: it cannot go stale.
   */
  @Test
  void theArchitectureTableIsThePackagesOfTheModule() throws Exception {
    ModuleDescriptor descriptor =
        ModuleFinder.of(BuildTools.sdkLocation())
            .find("io.github.kimisdk")
            .orElseThrow()
            .descriptor();
    assertThat(
            ArchitectureTable.problems(
                Compat.root().resolve("CONTRIBUTING.md"),
                "## Architecture",
                descriptor,
                "io.github.kimisdk",
                "(root)"))
        .as("CONTRIBUTING.md, Architecture")
        .isEmpty();
  }

  @Test
  void theCheckFlagsEachBrokenRule(@TempDir Path dir) throws Exception {
    Map<String, String> sources = new TreeMap<>(clean());
    sources.put("io/github/kimisdk/Helper.java", "package io.github.kimisdk; class Helper { }");
    sources.put(
        "io/github/kimisdk/Options.java",
        """
        package io.github.kimisdk;
        public class Options { Object policy = new io.github.kimisdk.internal.http.Transport(); }
        """);
    sources.put(
        "io/github/kimisdk/KimiFiles.java",
        """
        package io.github.kimisdk;
        public class KimiFiles { Object send = new io.github.kimisdk.internal.http.Transport(); }
        """);
    sources.put(
        "io/github/kimisdk/json/Reader.java",
        "package io.github.kimisdk.json; public class Reader { io.github.kimisdk.chat.Chunk c; }");
    sources.put(
        "io/github/kimisdk/base/text/Text.java",
        "package io.github.kimisdk.base.text; public class Text { io.github.kimisdk.tool.Decl d; }");
    sources.put(
        "io/github/kimisdk/chat/Chunk.java",
        """
        package io.github.kimisdk.chat;
        public class Chunk {
          io.github.kimisdk.json.Reader reader;
          Object send() { return new io.github.kimisdk.internal.http.Transport(); }
          io.github.kimisdk.internal.wire.chat.Codec codec;
          io.github.kimisdk.chat.format.Records records; // Conversation's: allowed
        }
        """);
    sources.put(
        "io/github/kimisdk/chat/completions/Form.java",
        """
        package io.github.kimisdk.chat.completions;
        public class Form {
          io.github.kimisdk.tool.Decl declaration; // allowed
          io.github.kimisdk.model.Catalog table;
        }
        """);
    sources.put(
        "io/github/kimisdk/internal/platform/Lines.java",
        """
        package io.github.kimisdk.internal.platform;
        public class Lines {
          io.github.kimisdk.chat.completions.Form form; // allowed
          io.github.kimisdk.chat.format.Records records;
        }
        """);
    sources.put(
        "io/github/kimisdk/chat/format/Records.java",
        """
        package io.github.kimisdk.chat.format;
        public class Records {
          io.github.kimisdk.tool.Decl declaration; // allowed
          io.github.kimisdk.base.flow.Stage<String> stage; // allowed
          io.github.kimisdk.chat.completions.Form form; // allowed
          io.github.kimisdk.internal.wire.chat.Codec codec;
          io.github.kimisdk.token.Counter counter;
        }
        """);
    sources.put(
        "io/github/kimisdk/internal/client/Clock.java",
        "package io.github.kimisdk.internal.client; public class Clock { io.github.kimisdk.KimiClient c; }");
    sources.put(
        "io/github/kimisdk/internal/http/Transport.java",
        "package io.github.kimisdk.internal.http; public class Transport { }");
    sources.put(
        "io/github/kimisdk/model/Catalog.java",
        """
        package io.github.kimisdk.model;
        public class Catalog {
          public void refresh(io.github.kimisdk.KimiClient client) { }
        }
        """);
    sources.put(
        "io/github/kimisdk/internal/wire/chat/Codec.java",
        """
        package io.github.kimisdk.internal.wire.chat;
        public class Codec {
          io.github.kimisdk.model.Catalog table;
          io.github.kimisdk.token.Counter counter;
        }
        """);
    sources.put(
        "io/github/kimisdk/errors/Failure.java",
        """
        package io.github.kimisdk.errors;
        public class Failure extends KimiException {
          io.github.kimisdk.model.Catalog catalog;
          io.github.kimisdk.base.text.Text text; // allowed
        }
        """);
    sources.put(
        "io/github/kimisdk/token/Counter.java",
        "package io.github.kimisdk.token; public class Counter { }");
    sources.put(
        "io/github/kimisdk/platform/Receipt.java",
        """
        package io.github.kimisdk.platform;
        public record Receipt(io.github.kimisdk.chat.Chunk chunk, io.github.kimisdk.Options options) {
          // the chat value is allowed; nothing of the root is, not even a plain value
        }
        """);

    sources.put(
        "io/github/kimisdk/mcp/Client.java",
        "package io.github.kimisdk.mcp; public class Client { io.github.kimisdk.tool.Decl d; }");
    sources.put(
        "io/github/kimisdk/tool/Decl.java",
        "package io.github.kimisdk.tool; public class Decl { io.github.kimisdk.mcp.Client c; }");

    sources.put(
        "io/github/kimisdk/mcp/kimi/Toolset.java",
        """
        package io.github.kimisdk.mcp.kimi;
        public class Toolset {
          io.github.kimisdk.tool.Decl decl; // the adapters may use the core's values
          io.github.kimisdk.mcp.Client client; // and the client's API
          io.github.kimisdk.mcp.internal.Engine engine;
        }
        """);
    sources.put(
        "io/github/kimisdk/mcp/kimi/Sampling.java",
        "package io.github.kimisdk.mcp.kimi; public class Sampling { }");
    sources.put(
        "io/github/kimisdk/mcp/internal/Engine.java",
        """
        package io.github.kimisdk.mcp.internal;
        public class Engine {
          io.github.kimisdk.json.Reader reader; // allowed
          io.github.kimisdk.mcp.kimi.Sampling sampling;
        }
        """);
    sources.put(
        "io/github/kimisdk/mcp/Hidden.java", "package io.github.kimisdk.mcp; class Hidden { }");
    sources.put(
        "io/github/kimisdk/mcp/Version.java",
        """
        package io.github.kimisdk.mcp;
        public class Version {
          Object v = new io.github.kimisdk.internal.http.Transport();
          Object timer = new java.util.concurrent.ScheduledThreadPoolExecutor(1);
        }
        """);
    sources.put(
        "io/github/kimisdk/tool/Timeouts.java",
        """
        package io.github.kimisdk.tool;
        import java.util.concurrent.*;
        public class Timeouts {
          io.github.kimisdk.internal.client.Clock clock;
          Object a = Executors.newSingleThreadScheduledExecutor();
          Object b = new CompletableFuture<String>().orTimeout(1, TimeUnit.SECONDS);
          Object c = new java.util.Timer(true);
        }
        """);

    Layout layout = Layout.read(compile(dir, sources));

    String engine = " (only the client and its services use the engine, internal.*)";
    String timer = " (schedule on base.flow.DaemonTimer, the SDK's one timer mechanism)";
    String forms =
        " (the saved form is a file format over the values: it uses only chat, chat.completions,"
            + " tool, json and the base floor)";
    String plainMcp =
        " (the MCP client knows nothing of Kimi: of the core it uses json, sse and the base floor)";
    assertThat(layout.violations())
        .containsExactlyInAnyOrder(
            "one-way: Options uses internal.http.Transport" + engine,
            "one-way: mcp.Version uses internal.http.Transport" + engine,
            "one-way: tool.Timeouts uses internal.client.Clock" + engine,
            "one-way: chat.Chunk uses internal.http.Transport" + engine,
            "one-way: chat.Chunk uses internal.wire.chat.Codec" + engine,
            "one-way: chat.format.Records uses internal.wire.chat.Codec" + engine,
            "one-way: internal.client.Clock uses KimiClient (the engine stands below the client and"
                + " its services)",
            "one timer: mcp.Version uses java.util.concurrent.ScheduledThreadPoolExecutor" + timer,
            "one timer: tool.Timeouts uses"
                + " java.util.concurrent.Executors.newSingleThreadScheduledExecutor"
                + timer,
            "one timer: tool.Timeouts uses java.util.concurrent.CompletableFuture.orTimeout"
                + timer,
            "one timer: tool.Timeouts uses java.util.Timer" + timer,
            "one-way: mcp.Client uses tool.Decl" + plainMcp,
            "one-way: mcp.Version uses internal.http.Transport" + plainMcp,
            "one-way: tool.Decl uses mcp.Client (the core knows nothing of kimi-sdk-mcp)",
            "one-way: mcp.kimi.Toolset uses mcp.internal.Engine (the Kimi adapters use the MCP"
                + " client's API, not its engine)",
            "one-way: mcp.internal.Engine uses mcp.kimi.Sampling (the MCP client does not use its"
                + " Kimi adapters)",
            "mcp package: mcp.Hidden is not public (the MCP client's API holds public types;"
                + " machinery goes to mcp.internal.*)",
            "cycle across packages: mcp.Client -> tool.Decl -> mcp.Client",
            "exported packages use each other: mcp <-> tool (mcp.Client uses tool.Decl; tool.Decl"
                + " uses mcp.Client)",
            "exported packages use each other: chat <-> json (chat.Chunk uses json.Reader;"
                + " json.Reader uses chat.Chunk)",
            "one-way: json.Reader uses chat.Chunk (json, sse and the base floor know nothing of"
                + " Kimi)",
            "one-way: base.text.Text uses tool.Decl (json, sse and the base floor know nothing of"
                + " Kimi)",
            "one-way: model.Catalog uses KimiClient (model and token do not call the client)",
            "one-way: platform.Receipt uses Options (the platform's values use nothing of the root:"
                + " the client and its services return them)",
            "exported packages use each other: (root) <-> platform (KimiClient uses"
                + " platform.Balance; platform.Receipt uses Options)",
            "one-way: internal.wire.chat.Codec uses model.Catalog (a wire writes what it is given:"
                + " model rules apply before it)",
            "one-way: internal.wire.chat.Codec uses token.Counter (a wire writes what it is given:"
                + " model rules apply before it)",
            "root package: Helper is not public (the root holds public types; machinery goes to"
                + " internal.* or base.*)",
            "one-way: errors.Failure uses model.Catalog (errors stands low: it uses only the"
                + " values a failure carries)",
            "cycle across packages: chat.Chunk -> json.Reader -> chat.Chunk",
            "one-way: chat.format.Records uses internal.wire.chat.Codec" + forms,
            "one-way: chat.format.Records uses token.Counter" + forms,
            "one-way: chat.completions.Form uses model.Catalog (the chat completions form stands"
                + " below everything that writes it: it uses only chat, tool, json and the base"
                + " floor)",
            "one-way: internal.platform.Lines uses chat.format.Records (the saved form is"
                + " Conversation's: a wire reads its replies and writes the chat completions form"
                + " itself)");
  }

  @Test
  void aCleanLayoutPassesAndASealedFamilyMaySpanPackages(@TempDir Path dir) throws Exception {
    Layout layout = Layout.read(compile(dir, clean()));
    assertThat(layout.classes())
        .containsExactlyInAnyOrder(
            "KimiClient",
            "errors.KimiException",
            "errors.Errors",
            "chat.Message",
            "tool.ToolMessage",
            "base.flow.Stage",
            "platform.Balance");
    assertThat(layout.uses("KimiClient"))
        .as("the root uses the platform's values, which use nothing of it")
        .contains("platform.Balance");
    assertThat(layout.uses("tool.ToolMessage"))
        .as("every package may use errors")
        .contains("errors.KimiException");
    assertThat(layout.uses("errors.KimiException"))
        .as("errors uses chat and is used by chat: allowed, the family is every package's")
        .containsExactly("chat.Message");
    assertThat(layout.uses("tool.ToolMessage"))
        .containsExactly("chat.Message", "errors.KimiException");
    assertThat(layout.uses("chat.Message")).as("permits do not count").isEmpty();
    assertThat(layout.violations()).as("base.flow may hold the one timer mechanism").isEmpty();
  }

  /**
   * The engine's rooms keep the walls their package-info files state, {@code internal.route}'s
   * among them (it never uses the chain that retries, nor the client), and the base floor uses
   * nothing above it (only its codec's parts read json's values).
   */
  @Test
  void theEngineRoomsKeepTheirWallsAndTheBaseFloorUsesNothingAboveIt(@TempDir Path dir)
      throws Exception {
    Map<String, String> sources = new TreeMap<>(clean());
    sources.put(
        "io/github/kimisdk/internal/route/Router.java",
        """
        package io.github.kimisdk.internal.route;
        public class Router {
          io.github.kimisdk.internal.limit.Gate gate; // allowed
          io.github.kimisdk.internal.chain.Retrier retrier;
        }
        """);
    sources.put(
        "io/github/kimisdk/internal/chain/Retrier.java",
        """
        package io.github.kimisdk.internal.chain;
        public class Retrier { io.github.kimisdk.internal.route.Route route; } // allowed
        """);
    sources.put(
        "io/github/kimisdk/internal/route/Route.java",
        "package io.github.kimisdk.internal.route; public class Route { }");
    sources.put(
        "io/github/kimisdk/internal/limit/Gate.java",
        """
        package io.github.kimisdk.internal.limit;
        public class Gate { io.github.kimisdk.internal.route.Route route; }
        """);
    sources.put(
        "io/github/kimisdk/internal/client/Core.java",
        """
        package io.github.kimisdk.internal.client;
        public class Core {
          io.github.kimisdk.internal.chain.Retrier retrier; // allowed: the client uses every room
          io.github.kimisdk.internal.route.Route route; // allowed
        }
        """);
    sources.put(
        "io/github/kimisdk/internal/attic/Box.java",
        "package io.github.kimisdk.internal.attic; public class Box { }");
    sources.put(
        "io/github/kimisdk/internal/wire/chat/Codec.java",
        """
        package io.github.kimisdk.internal.wire.chat;
        public class Codec { io.github.kimisdk.internal.attic.Box box; }
        """);
    sources.put(
        "io/github/kimisdk/json/Value.java",
        "package io.github.kimisdk.json; public class Value { }");
    sources.put(
        "io/github/kimisdk/base/bind/Binder.java",
        """
        package io.github.kimisdk.base.bind;
        public class Binder { io.github.kimisdk.json.Value value; } // allowed: the codec's part
        """);
    sources.put(
        "io/github/kimisdk/base/text/Kind.java",
        "package io.github.kimisdk.base.text; public class Kind { io.github.kimisdk.json.Value v; }");
    Layout layout = Layout.read(compile(dir, sources));
    assertThat(layout.violations())
        .filteredOn(v -> v.startsWith("engine wall") || v.startsWith("base floor"))
        .containsExactlyInAnyOrder(
            "engine wall: internal.route.Router uses internal.chain.Retrier (internal.route may use"
                + " internal.config, internal.credential, internal.http, internal.limit of the"
                + " engine)",
            "engine wall: internal.limit.Gate uses internal.route.Route (internal.limit may use"
                + " internal.http, internal.jfr of the engine)",
            "engine wall: internal.wire.chat.Codec uses internal.attic.Box (internal.wire may use no"
                + " other room of the engine)",
            "base floor: base.text.Kind uses json.Value (the base floor uses nothing above it; only"
                + " its codec's parts, base.bind, base.schema and base.sse, read json's values and"
                + " feed sse's parser)");
  }

  /**
   * A layout that keeps every rule: a public client, errors, a family across two packages, a
   * platform value the client uses.
   */
  private static Map<String, String> clean() {
    Map<String, String> sources = new TreeMap<>();
    sources.put("module-info.java", "module synth { }");
    sources.put(
        "io/github/kimisdk/KimiClient.java",
        """
        package io.github.kimisdk;
        public class KimiClient {
          io.github.kimisdk.errors.Errors errors;
          io.github.kimisdk.base.flow.Stage<io.github.kimisdk.chat.Message> stage;
          io.github.kimisdk.platform.Balance balance;
        }
        """);
    sources.put(
        "io/github/kimisdk/platform/Balance.java",
        """
        package io.github.kimisdk.platform;
        public record Balance(java.math.BigDecimal available, io.github.kimisdk.chat.Message note) {}
        """);
    sources.put(
        "io/github/kimisdk/errors/Errors.java",
        "package io.github.kimisdk.errors; public final class Errors { }");
    sources.put(
        "io/github/kimisdk/errors/KimiException.java",
        """
        package io.github.kimisdk.errors;
        public class KimiException extends RuntimeException {
          transient io.github.kimisdk.chat.Message partial;
        }
        """);
    sources.put(
        "io/github/kimisdk/chat/Message.java",
        """
        package io.github.kimisdk.chat;
        public sealed interface Message permits io.github.kimisdk.tool.ToolMessage { }
        """);
    sources.put(
        "io/github/kimisdk/tool/ToolMessage.java",
        """
        package io.github.kimisdk.tool;
        public final class ToolMessage implements io.github.kimisdk.chat.Message {
          io.github.kimisdk.errors.KimiException failure;
        }
        """);
    sources.put(
        "io/github/kimisdk/base/flow/Stage.java",
        """
        package io.github.kimisdk.base.flow;
        public class Stage<T> {
          Object timer = new java.util.concurrent.ScheduledThreadPoolExecutor(1); // the one timer
        }
        """);
    return sources;
  }

  /** Compiles {@code sources} (path to text) as one module; returns the classes directory. */
  static Path compile(Path dir, Map<String, String> sources) throws IOException {
    Path src = dir.resolve("src");
    Path classes = dir.resolve("classes");
    List<String> args = new ArrayList<>(List.of("-nowarn", "-d", classes.toString()));
    for (Map.Entry<String, String> s : sources.entrySet()) {
      Path file = src.resolve(s.getKey());
      Files.createDirectories(file.getParent() == null ? src : file.getParent());
      Files.writeString(file, s.getValue());
      args.add(file.toString());
    }
    BuildTools.run("javac", args.toArray(String[]::new));
    return classes;
  }
}
