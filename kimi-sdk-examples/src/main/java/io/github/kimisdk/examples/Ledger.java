package io.github.kimisdk.examples;

import io.github.kimisdk.agents.AgentTool;
import io.github.kimisdk.agents.ToolContext;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.tool.FunctionTool;
import io.github.kimisdk.tool.JsonSchema;
import io.github.kimisdk.tool.Tool;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The payment service of the agent examples: a directory where a transfer is a file named by its
 * idempotency key, made once, as a payment API that honours its key does. Another program sees the
 * same transfers.
 */
final class Ledger {
  private final Path dir;

  Ledger(Path dir) {
    this.dir = dir;
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The declaration of {@code transfer(to, amount)}, as the model sees it. */
  static final FunctionTool DECLARATION =
      Tool.function(
          "transfer",
          "Moves money from the company account to another account",
          JsonSchema.object()
              .required("to", JsonSchema.string().description("the account, such as acct-7"))
              .required("amount", JsonSchema.integer().description("whole euros"))
              .build()
              .toJson());

  /** The tool: {@code transfer(to, amount)}, its idempotency key passed to the ledger. */
  AgentTool transferTool() {
    return AgentTool.of(
        DECLARATION,
        (JsonValue args, ToolContext ctx) ->
            transfer(args.get("to").asString(), args.get("amount").asLong(), ctx));
  }

  String transfer(String to, long amount, ToolContext ctx) throws IOException {
    try {
      Files.writeString(
          dir.resolve(ctx.idempotencyKey()),
          amount + " EUR to " + to,
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE_NEW);
    } catch (FileAlreadyExistsException e) {
      return "transferred " + amount + " EUR to " + to + " (already done under this key)";
    }
    return "transferred " + amount + " EUR to " + to;
  }

  /**
   * Every transfer done, one line each, in the order of their text (the files are named by keys,
   * which are random to each run instance).
   */
  List<String> transfers() {
    List<String> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        out.add(Files.readString(f, StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.sort(null);
    return out;
  }
}
