package io.github.kimisdk.platform;

import static io.github.kimisdk.base.text.RecordTexts.assertPrints;

import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.json.Json;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What the platform's values print: the members that are set. Each test is the table of one record
 * type: a value, then its text.
 */
class ValuesToStringTest {

  static final ChatRequest HI = ChatRequest.of("kimi-k3", "Hi");
  static final ChatCompletion REPLY =
      new ChatCompletion("c-1", null, 0, "kimi-k3", List.of(), Usage.of(3, 1, 4), null);

  @Test
  void fileObject() {
    assertPrints(
        new FileObject("file-1", 12, 1_700_000_000, null, null, "ok", null),
        "FileObject[id=file-1, bytes=12, createdAt=1700000000, status=ok]",
        new FileObject("file-1", 0, 0, "a.pdf", FilePurpose.FILE_EXTRACT, "error", "bad pdf"),
        "FileObject[id=file-1, bytes=0, createdAt=0, filename=a.pdf, purpose=file-extract,"
            + " status=error, statusDetails=bad pdf]");
  }

  @Test
  void batch() {
    assertPrints(
        new Batch("b-1", "validating", "file-1", null, null, "24h", 5, 2, 0, 0, null),
        "Batch[id=b-1, status=validating, inputFileId=file-1, completionWindow=24h,"
            + " createdAt=5, total=2, completed=0, failed=0]",
        new Batch("b-1", "completed", "f", "o", "e", null, 5, 2, 1, 1, Map.of("k", "v")),
        "Batch[id=b-1, status=completed, inputFileId=f, outputFileId=o, errorFileId=e,"
            + " createdAt=5, total=2, completed=1, failed=1, metadata={k=v}]");
  }

  @Test
  void batchResult() {
    assertPrints(
        new BatchResult(0, "r-0", HI, REPLY, null),
        "BatchResult[index=0, customId=r-0, request=" + HI + ", completion=" + REPLY + "]",
        new BatchResult(1, "r-1", HI, null, new BatchResult.Error(400, null, "bad")),
        "BatchResult[index=1, customId=r-1, request="
            + HI
            + ", error=Error[httpStatus=400, message=bad]]");
  }

  @Test
  void chatResult() {
    assertPrints(
        new ChatResult(0, HI, REPLY, null),
        "ChatResult[index=0, request=" + HI + ", completion=" + REPLY + "]");
  }

  @Test
  void pingResult() {
    assertPrints(
        new PingResult(PingResult.Status.OK, 200, Duration.ofMillis(12), null),
        "PingResult[status=OK, httpStatus=200, latency=PT0.012S]");
  }

  @Test
  void fileContent() {
    assertPrints(
        new FileContent("plain", null),
        "FileContent[text=plain]",
        new FileContent("{\"content\":\"x\"}", Json.parse("{\"content\":\"x\"}")),
        "FileContent[json={\"content\":\"x\"}]");
  }

  @Test
  void kimiCodeUsages() {
    UsageWindow plan = new UsageWindow(null, null, 10, 100, null);
    UsageWindow fiveHours =
        new UsageWindow(null, Duration.ofHours(5), 1, 50, Instant.ofEpochSecond(0));
    assertPrints(
        plan,
        "UsageWindow[used=10, limit=100]",
        fiveHours,
        "UsageWindow[length=PT5H, used=1, limit=50, resetTime=1970-01-01T00:00:00Z]",
        new CodeUsage(plan, List.of(), Optional.empty()),
        "CodeUsage[plan=UsageWindow[used=10, limit=100]]",
        new CodeUsage(
            null,
            List.of(fiveHours),
            Optional.of(new BoosterWallet(BigDecimal.TEN, BigDecimal.ONE, false, 0, 0, null))),
        "CodeUsage[windows=[UsageWindow[length=PT5H, used=1, limit=50,"
            + " resetTime=1970-01-01T00:00:00Z]], booster=BoosterWallet[balanceCents=10,"
            + " leftCents=1, monthlyChargeLimitCents=0, monthlyUsedCents=0]]",
        new WebSearchResult("T", "https://a.example", null, null, null, null),
        "WebSearchResult[title=T, url=https://a.example]");
  }
}
