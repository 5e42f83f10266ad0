package io.github.kimisdk.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.model.ModelTables.Table;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A model's facts live in the code ({@link ModelCatalog#defaults()}, {@link
 * PriceTable#defaults()}); the tables written for readers are held to them: the HTML tables of
 * {@code ModelCatalog}'s and {@code PriceTable}'s class comments and the price table of {@code
 * docs/cost-and-caching.md}. A model changed, added or retired in the code fails the build until
 * every table says the same.
 */
class ModelTablesInTheDocsTest {

  /** The repository: the module's parent, since a test runs in its module's directory. */
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  private static final String SOURCES = "kimi-sdk/src/main/java/io/github/kimisdk/model/";
  private static final String COST_GUIDE = "docs/cost-and-caching.md";
  private static final String PRICES_HEADING = "### Prices as data";

  @Test
  void modelCatalogsClassCommentShowsEveryBuiltInModelAsTheCodeHasIt() throws IOException {
    assertThat(ModelTables.modelProblems(catalogComment(), ModelCatalog.defaults().models()))
        .isEmpty();
  }

  @Test
  void priceTablesClassCommentShowsEveryDefaultPriceAsTheCodeHasIt() throws IOException {
    assertThat(ModelTables.priceProblems(priceComment(), PriceTable.defaults())).isEmpty();
  }

  @Test
  void theCostGuideShowsEveryDefaultPriceAsTheCodeHasIt() throws IOException {
    assertThat(ModelTables.priceProblems(costGuide(), PriceTable.defaults())).isEmpty();
  }

  /** Any other table of models in a guide or README would be held by nothing: there is none. */
  @Test
  void noOtherPageHoldsATableOfModels() throws IOException {
    List<String> ids = ModelCatalog.defaults().models().stream().map(ModelInfo::id).toList();
    List<String> found = new ArrayList<>();
    for (Path page : pages()) {
      if (page.endsWith(Path.of(COST_GUIDE))) {
        continue;
      }
      for (String line : Files.readAllLines(page)) {
        String first =
            line.startsWith("|") ? line.split("\\|", -1)[1].replace("`", "").strip() : "";
        String id = first.split(" ", 2)[0];
        if (ids.contains(id)) {
          found.add(ROOT.relativize(page) + ": " + line);
        }
      }
    }
    assertThat(found).isEmpty();
  }

  @Test
  void aModelChangedInTheCodeFailsTheTablesThatShowIt() throws IOException {
    ModelCatalog defaults = ModelCatalog.defaults();
    ModelInfo k3 = defaults.lookup("kimi-k3");
    List<ModelInfo> narrower = defaults.with(k3.withContextWindow(262_144)).models();
    assertThat(ModelTables.modelProblems(catalogComment(), narrower))
        .containsExactly(
            "ModelCatalog.java: kimi-k3's window is \"262,144\" in the code, \"1,048,576\" in the"
                + " table");
    List<ModelInfo> added = defaults.with(ModelInfo.builder("kimi-k4").build()).models();
    assertThat(ModelTables.modelProblems(catalogComment(), added))
        .containsExactly("ModelCatalog.java: kimi-k4 is in the code but not in the table");
    List<ModelInfo> retired =
        defaults
            .with(
                k3.toBuilder()
                    .retirement(new ModelInfo.Retirement(LocalDate.of(2027, 1, 1), "kimi-k4"))
                    .build())
            .models();
    assertThat(ModelTables.modelProblems(catalogComment(), retired))
        .containsExactly(
            "ModelCatalog.java: kimi-k3's retired is \"2027-01-01\" in the code, \"-\" in the"
                + " table");

    Price k3Price = PriceTable.defaults().find("kimi-k3").orElseThrow();
    PriceTable dearer =
        PriceTable.defaults()
            .with(
                "kimi-k3",
                new Price(
                    k3Price.currency(),
                    k3Price.inputCacheMiss(),
                    k3Price.inputCacheHit(),
                    new BigDecimal("16.00"),
                    k3Price.asOf(),
                    k3Price.source(),
                    k3Price.retired(),
                    k3Price.cacheWriteFiveMinutes(),
                    k3Price.cacheWriteOneHour()));
    assertThat(ModelTables.priceProblems(priceComment(), dearer))
        .containsExactly(
            "PriceTable.java: kimi-k3's output is 16.00 in the code, 15.00 in the table");
    assertThat(ModelTables.priceProblems(costGuide(), dearer))
        .containsExactly(
            COST_GUIDE + ": kimi-k3's output is 16.00 in the code, 15.00 in the table");
    PriceTable retiredPrice = PriceTable.defaults().with("kimi-k3", k3Price.asRetired());
    assertThat(ModelTables.priceProblems(costGuide(), retiredPrice))
        .containsExactly(COST_GUIDE + ": kimi-k3 is retired in the code, but its row says \"\"");
  }

  @Test
  void theCheckReportsEachWayAPriceTableDiffersFromTheCode() {
    PriceTable code =
        PriceTable.none()
            .with("kimi-a", Price.perMillionTokens("USD", "3.00", "0.30", "15.00"))
            .with(
                "kimi-b",
                Price.perMillionTokens("USD", "1.00", "0.10", "4.00")
                    .withCacheWrites("1.00", "2.00"))
            .with("kimi-c", Price.perMillionTokens("USD", "1", "1", "1").asRetired())
            .with("kimi-d", Price.perMillionTokens("USD", "1", "1", "1"))
            .withUnpriced("kimi-e", "a subscription");
    Table table =
        ModelTables.markdown(
            "altered.md",
            """
            ## Prices
            ### Prices as data

            Some words.

            | model | input, cache miss | input, cache hit | output | cache write, 5 min / 1 h |
            |---|---|---|---|---|
            | `kimi-a` | 3.00 | 0.30 | 14.00 | - |
            | `kimi-b` | 1.0 | 0.1 | 4 | 1.00 / 3.00 |
            | `kimi-c` | 1 | 1 | 1 | - |
            | `kimi-x` | 1 | 1 | 1 | - |
            | `kimi-e` | 1 | 1 | 1 | - |
            | `kimi-a` | 3.00 | 0.30 | 15.00 | - |
            | `kimi-b` | 1 | 1 |
            ### Next
            """,
            PRICES_HEADING);

    assertThat(ModelTables.priceProblems(table, code))
        .containsExactlyInAnyOrder(
            "altered.md: kimi-a's output is 15.00 in the code, 14.00 in the table",
            "altered.md: kimi-b's cache write, 5 min / 1 h is 1.00 / 2.00 in the code, 1.00 / 3.00"
                + " in the table",
            "altered.md: kimi-c is retired in the code, but its row says \"\"",
            "altered.md: kimi-x is in the table but the code has no price for it",
            "altered.md: kimi-e is in the table but the code has no price for it",
            "altered.md: kimi-a has more than one row",
            "altered.md: the row [kimi-b, 1, 1] has 3 cells, the header 5",
            "altered.md: kimi-d is in the code but not in the table");
  }

  @Test
  void theCheckReportsEachWayAModelTableDiffersFromTheCode() {
    List<ModelInfo> code =
        List.of(
            switchable("kimi-a").sampling(ModelInfo.FixedSampling.K3).build(),
            switchable("kimi-b").video(true).sampling(ModelInfo.FixedSampling.K2_7_CODE).build(),
            ModelInfo.builder("kimi-c")
                .retirement(new ModelInfo.Retirement(LocalDate.of(2026, 8, 31), "kimi-a"))
                .build(),
            ModelInfo.builder("kimi-d").build());
    String source =
        """
        /**
         * A class.
         *
         * <table>
         *   <caption>Models</caption>
         *   <tr><th>model</th><th>window</th><th>default output</th><th>thinking</th>
         *       <th>effort</th><th>keep all</th><th>media</th><th>fixed sampling</th>
         *       <th>required while thinking</th><th>retired</th></tr>
         *   <tr><td>kimi-a (a note)</td><td>131,072</td><td>32,768</td><td>switchable</td>
         *       <td>low, high (default high)</td><td>no</td><td>image</td>
         *       <td>temperature 1 (0.6 with thinking off), top_p 0.95, n 1, penalties 0</td>
         *       <td>no</td><td>-</td></tr>
         *   <tr><td>kimi-b</td><td>262,144*</td><td>32,768</td><td>switchable</td>
         *       <td>low, high (default high)</td><td>no</td><td>image, video</td>
         *       <td>as kimi-a</td><td>no</td><td>-</td></tr>
         *   <tr><td>kimi-c</td><td>131,072</td><td>1,024</td><td>never</td><td>-</td>
         *       <td>no</td><td>-</td><td>-</td><td>-</td><td>-</td></tr>
         *   <tr><td>kimi-x</td><td>131,072</td><td>1,024</td><td>never</td><td>-</td>
         *       <td>no</td><td>-</td><td>-</td><td>-</td><td>-</td></tr>
         * </table>
         */
        """;

    assertThat(ModelTables.modelProblems(ModelTables.javadoc("Altered.java", source), code))
        .containsExactlyInAnyOrder(
            "Altered.java: kimi-a's window is \"262,144\" in the code, \"131,072\" in the table",
            "Altered.java: kimi-b's fixed sampling is \"temperature 1, top_p 0.95\" in the code,"
                + " not kimi-a's \"temperature 1 (0.6 with thinking off), top_p 0.95, n 1,"
                + " penalties 0\" as the table says",
            "Altered.java: kimi-c's retired is \"2026-08-31\" in the code, \"-\" in the table",
            "Altered.java: kimi-x is in the table but not in the code",
            "Altered.java: kimi-d is in the code but not in the table");
  }

  @Test
  void samplingReadsAsTheTablesWriteIt() {
    assertThat(ModelTables.sampling(ModelInfo.FixedSampling.K3))
        .isEqualTo("temperature 1 (0.6 with thinking off), top_p 0.95, n 1, penalties 0");
    assertThat(ModelTables.sampling(ModelInfo.FixedSampling.K2_7_CODE))
        .isEqualTo("temperature 1, top_p 0.95");
    assertThat(ModelTables.sampling(ModelInfo.FixedSampling.NONE)).isEqualTo("-");
    assertThat(ModelTables.sampling(new ModelInfo.FixedSampling(null, 0.6, null, null, null)))
        .isEqualTo("temperature 0.6 with thinking off");
  }

  /**
   * A model of 262,144 tokens (32,768 out by default) that reads images, its thinking switchable
   * with efforts low and high.
   */
  private static ModelInfo.Builder switchable(String id) {
    return ModelInfo.builder(id)
        .contextWindow(262_144)
        .defaultMaxOutput(32_768)
        .thinking(ModelInfo.ThinkingSupport.SWITCHABLE)
        .efforts(List.of("low", "high"), "high")
        .vision(true);
  }

  private static Table catalogComment() throws IOException {
    return ModelTables.javadoc("ModelCatalog.java", read(SOURCES + "ModelCatalog.java"));
  }

  private static Table priceComment() throws IOException {
    return ModelTables.javadoc("PriceTable.java", read(SOURCES + "PriceTable.java"));
  }

  private static Table costGuide() throws IOException {
    return ModelTables.markdown(COST_GUIDE, read(COST_GUIDE), PRICES_HEADING);
  }

  private static String read(String file) throws IOException {
    Path path = ROOT.resolve(file);
    assertThat(path).as("run from the module's directory, in the repository").isRegularFile();
    return Files.readString(path);
  }

  /** The guides and every README: the repository's and each module's. */
  private static List<Path> pages() throws IOException {
    List<Path> pages = new ArrayList<>();
    try (Stream<Path> docs = Files.list(ROOT.resolve("docs"));
        Stream<Path> top = Files.list(ROOT)) {
      docs.filter(p -> p.toString().endsWith(".md")).forEach(pages::add);
      top.forEach(
          p -> {
            if (p.toString().endsWith(".md")) {
              pages.add(p);
            } else if (Files.isRegularFile(p.resolve("README.md"))) {
              pages.add(p.resolve("README.md"));
            }
          });
    }
    assertThat(pages).contains(ROOT.resolve(COST_GUIDE));
    return pages;
  }
}
