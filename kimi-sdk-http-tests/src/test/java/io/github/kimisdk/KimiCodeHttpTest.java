package io.github.kimisdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.errors.NotFoundException;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.platform.BoosterWallet;
import io.github.kimisdk.platform.CodeUsage;
import io.github.kimisdk.platform.UsageWindow;
import io.github.kimisdk.platform.WebSearchResult;
import io.github.kimisdk.testing.FakeResponse;
import io.github.kimisdk.testing.RecordedRequest;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Kimi Code's /usages, /search and /fetch against the fake. */
class KimiCodeHttpTest extends FakeSuite {

  @Override
  protected KimiClient.Builder settings(KimiClient.Builder b) {
    return b.apiKey("sk-kimi-test0123456789abcdef").retryPolicy(RetryPolicy.none());
  }

  @Test
  void usagesReadsWindowsAsNumbersWithResetTimesAndTheBoosterWallet() {
    CodeUsage u = kimi.kimiCode().usages();
    assertThat(u.plan().used()).isEqualTo(40);
    assertThat(u.plan().limit()).isEqualTo(1000);
    assertThat(u.plan().remaining()).isEqualTo(960);
    assertThat(u.plan().resetTime()).isNotNull();
    assertThat(u.windows()).hasSize(2);
    UsageWindow fiveHours = u.windows().get(0);
    assertThat(fiveHours.length()).isEqualTo(Duration.ofHours(5));
    assertThat(fiveHours.label()).isEqualTo("5h");
    assertThat(fiveHours.used()).isEqualTo(1);
    assertThat(fiveHours.limit()).isEqualTo(100);
    UsageWindow daily = u.windows().get(1);
    assertThat(daily.name()).isEqualTo("daily");
    assertThat(daily.used()).as("a JSON number is read too").isEqualTo(7);
    assertThat(daily.resetTime()).isNull();
    assertThat(u.tightest()).contains(u.plan());
    BoosterWallet w = u.booster().orElseThrow();
    assertThat(w.balanceCents()).isEqualByComparingTo(new BigDecimal("500"));
    assertThat(w.leftCents()).isEqualByComparingTo(new BigDecimal("125"));
    assertThat(w.monthlyChargeLimitEnabled()).isTrue();
    assertThat(w.monthlyChargeLimitCents()).isEqualTo(2000);
    assertThat(w.monthlyUsedCents()).isEqualTo(375);
    assertThat(w.currency()).isEqualTo("USD");
    RecordedRequest r = server.takeRequest();
    assertThat(r.method()).isEqualTo("GET");
    assertThat(r.path()).isEqualTo("/v1/usages");
  }

  @Test
  void aWalletThatIsNotABoosterOrIsEmptyIsIgnored() {
    server.enqueue(
        FakeResponse.json(
            "{\"usage\":{\"used\":\"x\",\"limit\":\"10\"},\"boosterWallet\":{\"balance\":"
                + "{\"type\":\"BOOSTER\",\"amount\":\"0\"}}}"));
    CodeUsage u = kimi.kimiCode().usages();
    assertThat(u.booster()).isEmpty();
    assertThat(u.plan().used()).as("an unreadable count is 0").isZero();
    assertThat(u.windows()).isEmpty();
  }

  @Test
  void usagesOnAnEndpointWithoutTheServiceIsNotFound() {
    server.enqueue(
        FakeResponse.error(
            404,
            "{\"error\":{\"message\":\"Not found\",\"type\":" + "\"resource_not_found_error\"}}"));
    assertThatThrownBy(() -> kimi.kimiCode().usages()).isInstanceOf(NotFoundException.class);
  }

  @Test
  void searchSendsTheQueryAndReadsTheResults() {
    List<WebSearchResult> hits = kimi.kimiCode().search("jdk 25");
    assertThat(hits).hasSize(3);
    assertThat(hits.get(0).title()).isEqualTo("jdk 25 - result 1");
    assertThat(hits.get(0).url()).isEqualTo("https://example.com/1");
    assertThat(hits.get(0).content()).isNull();
    assertThat(server.takeRequest().json())
        .isEqualTo(JsonObject.of("text_query", io.github.kimisdk.json.JsonString.of("jdk 25")));

    List<WebSearchResult> crawled =
        kimi.withOptions(RequestOptions.builder().header("X-Msh-Tool-Call-Id", "call-1").build())
            .kimiCode()
            .search("jdk", 2, true);
    assertThat(crawled).hasSize(2);
    assertThat(crawled.get(1).content()).contains("Full page 2");
    RecordedRequest r = server.takeRequest();
    assertThat(r.bodyText()).contains("\"limit\":2").contains("\"enable_page_crawling\":true");
    assertThat(r.header("X-Msh-Tool-Call-Id")).contains("call-1");
    assertThatThrownBy(() -> kimi.kimiCode().search(" "))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> kimi.kimiCode().search("x", 21, false))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void fetchReturnsThePageAsMarkdownText() {
    String page = kimi.kimiCode().fetch("https://example.com/a");
    assertThat(page).startsWith("# https://example.com/a").contains("main content");
    RecordedRequest r = server.takeRequest();
    assertThat(r.path()).isEqualTo("/v1/fetch");
    assertThat(r.header("Accept")).contains("text/markdown");
    assertThat(r.bodyText()).isEqualTo("{\"url\":\"https://example.com/a\"}");
  }
}
