package io.github.kimisdk.sse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The WHATWG event stream interpretation as a spec table: one tiny case per rule. Every case is
 * parsed whole, at every split point, byte by byte and in random splits, through every feeding
 * path; all runs must agree. After each test the recorder must be exhausted.
 */
class SseParserTest {
  private SseRecorder recorder;

  @AfterEach
  void nothingLeftUnconsumed() {
    if (recorder != null) {
      recorder.assertExhausted();
    }
  }

  private SseRecorder parse(String input) {
    return parse(input.getBytes(StandardCharsets.UTF_8));
  }

  private SseRecorder parse(byte[] input) {
    return parse(input, SseLimits.defaults());
  }

  private SseRecorder parse(byte[] input, SseLimits limits) {
    SseChunkings.Outcome outcome = SseChunkings.parseEveryWay(input, limits);
    assertThat(outcome.error()).as("parse error").isNull();
    recorder = new SseRecorder(outcome.events(), outcome.retry(), outcome.lastEventId());
    return recorder;
  }

  private static byte[] bytes(Object... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Object part : parts) {
      if (part instanceof String) {
        out.writeBytes(((String) part).getBytes(StandardCharsets.UTF_8));
      } else if (part instanceof Integer) {
        out.write((Integer) part);
      } else {
        throw new AssertionError(part);
      }
    }
    return out.toByteArray();
  }

  // --- data ---

  @Test
  void singleDataLine() {
    parse("data: hey\n\n").assertMessage("hey");
  }

  @Test
  void dataWithoutSpaceAfterColon() {
    parse("data:hey\n\n").assertMessage("hey");
  }

  @Test
  void onlyOneLeadingSpaceRemoved() {
    parse("data:  hey\n\n").assertMessage(" hey");
  }

  @Test
  void trailingSpacesKept() {
    parse("data: hey  \n\n").assertMessage("hey  ");
  }

  @Test
  void tabAfterColonKept() {
    parse("data:\they\n\n").assertMessage("\they");
  }

  @Test
  void colonInsideValueKept() {
    parse("data: a:b: c\n\n").assertMessage("a:b: c");
  }

  @Test
  void multipleDataLinesJoinedWithLf() {
    parse("data: hey\ndata: you\n\n").assertMessage("hey\nyou");
  }

  @Test
  void dataWithoutColonIsEmptyDataLine() {
    parse("data\n\n").assertMessage("");
  }

  @Test
  void dataWithColonAndNoValueIsEmptyDataLine() {
    parse("data:\n\n").assertMessage("");
  }

  @Test
  void twoEmptyDataLinesAreOneLf() {
    parse("data\ndata\n\n").assertMessage("\n");
  }

  @Test
  void twoEmptyDataLinesWithColonsAreOneLf() {
    parse("data:\ndata:\n\n").assertMessage("\n");
  }

  @Test
  void onlyTheLastTrailingLfRemoved() {
    parse("data: a\ndata:\n\n").assertMessage("a\n");
  }

  @Test
  void emptyDataLineFirstKeepsLeadingLf() {
    parse("data:\ndata: a\n\n").assertMessage("\na");
  }

  @Test
  void nulInDataKept() {
    parse("data: a\u0000b\n\n").assertMessage("a\u0000b");
  }

  @Test
  void jsonPayload() {
    parse("data: {\"a\":1,\"b\":[\"x\"]}\n\n").assertMessage("{\"a\":1,\"b\":[\"x\"]}");
  }

  @Test
  void doneSentinelIsOrdinaryData() {
    parse("data: {}\n\ndata: [DONE]\n\n").assertMessage("{}").assertMessage("[DONE]");
  }

  // --- line ends ---

  @Test
  void linesEndAtLf() {
    parse("data: a\ndata: b\n\n").assertMessage("a\nb");
  }

  @Test
  void linesEndAtCr() {
    parse("data: a\rdata: b\r\r").assertMessage("a\nb");
  }

  @Test
  void linesEndAtCrLf() {
    parse("data: a\r\ndata: b\r\n\r\n").assertMessage("a\nb");
  }

  @Test
  void mixedLineEnds() {
    parse("data: a\rdata: b\ndata: c\r\n\n").assertMessage("a\nb\nc");
  }

  @Test
  void crCrIsTwoLineEnds() {
    parse("data: a\r\rdata: b\r\r").assertMessage("a").assertMessage("b");
  }

  @Test
  void lfCrIsTwoLineEnds() {
    parse("data: a\n\rdata: b\n\r").assertMessage("a").assertMessage("b");
  }

  @Test
  void crLfCrLfDispatches() {
    parse("data: a\r\n\r\n").assertMessage("a");
  }

  @Test
  void crLfThenLoneCrDispatches() {
    parse("data: a\r\n\r").assertMessage("a");
  }

  @Test
  void crThenCrLfDispatches() {
    parse("data: a\r\r\n").assertMessage("a");
  }

  @Test
  void wptLineEndMix() {
    parse("data:test\r\ndata\ndata:test\r\n\r").assertMessage("test\n\ntest");
  }

  @Test
  void wptFieldParsing() {
    parse(
            "data:\u0000\ndata:  2\rData:1\ndata\u0000:2\ndata:1\r\u0000data:4\nda-ta:3\rdata_5\ndata:3"
                + "\rdata:\r\n data:32\ndata:4\n\n")
        .assertMessage("\u0000\n 2\n1\n3\n\n4");
  }

  // --- event type ---

  @Test
  void eventSetsType() {
    parse("event: add\ndata: x\n\n").assertEvent("add", "x", "");
  }

  @Test
  void eventAfterDataSetsType() {
    parse("data: x\nevent: add\n\n").assertEvent("add", "x", "");
  }

  @Test
  void lastEventFieldWins() {
    parse("event: a\nevent: b\ndata: x\n\n").assertEvent("b", "x", "");
  }

  @Test
  void typeResetsToMessageAfterDispatch() {
    parse("event: add\ndata: 1\n\ndata: 2\n\n").assertEvent("add", "1", "").assertMessage("2");
  }

  @Test
  void typeResetsAfterBlankLineWithoutData() {
    parse("event: add\n\ndata: x\n\n").assertMessage("x");
  }

  @Test
  void emptyEventTypeIsMessage() {
    parse("event:\ndata: x\n\n").assertMessage("x");
  }

  @Test
  void eventWithoutColonIsEmptyTypeSoMessage() {
    parse("event\ndata: x\n\n").assertMessage("x");
  }

  @Test
  void emptyEventTypeOverridesEarlierType() {
    parse("event: add\nevent\ndata: x\n\n").assertMessage("x");
  }

  @Test
  void eventTypeKeepsSpacesAfterTheFirst() {
    parse("event:  add \ndata: x\n\n").assertEvent(" add ", "x", "");
  }

  @Test
  void repeatedTypeAcrossEvents() {
    parse("event: a\ndata: 1\n\nevent: b\ndata: 2\n\nevent: a\ndata: 3\n\n")
        .assertEvent("a", "1", "")
        .assertEvent("b", "2", "")
        .assertEvent("a", "3", "");
  }

  @Test
  void eventWithOnlyTypeIsNotDispatched() {
    parse("event: add\n\n");
  }

  // --- id ---

  @Test
  void idSetsLastEventId() {
    parse("id: 1\ndata: x\n\n").assertEvent("message", "x", "1").assertLastEventId("1");
  }

  @Test
  void idPersistsAcrossEvents() {
    parse("id: 1\ndata: a\n\ndata: b\n\n")
        .assertEvent("message", "a", "1")
        .assertEvent("message", "b", "1");
  }

  @Test
  void idChangesBetweenEvents() {
    parse("id: 1\ndata: a\n\nid: 2\ndata: b\n\n")
        .assertEvent("message", "a", "1")
        .assertEvent("message", "b", "2");
  }

  @Test
  void idAfterDataAppliesToSameEvent() {
    parse("data: a\nid: 5\n\n").assertEvent("message", "a", "5");
  }

  @Test
  void emptyIdResetsLastEventId() {
    parse("id: 1\ndata: a\n\nid:\ndata: b\n\n")
        .assertEvent("message", "a", "1")
        .assertEvent("message", "b", "")
        .assertLastEventId("");
  }

  @Test
  void idWithoutColonResetsLastEventId() {
    parse("id: 1\ndata: a\n\nid\ndata: b\n\n")
        .assertEvent("message", "a", "1")
        .assertEvent("message", "b", "");
  }

  @Test
  void idWithNulIgnored() {
    parse("id: 1\ndata: a\n\nid: 2\u00003\ndata: b\n\n")
        .assertEvent("message", "a", "1")
        .assertEvent("message", "b", "1");
  }

  @Test
  void idWithOnlyNulIgnored() {
    parse("id: 1\nid: \u0000\ndata: a\n\n").assertEvent("message", "a", "1");
  }

  @Test
  void idWithoutDataStillSetsLastEventId() {
    parse("id: 1\n\ndata: a\n\n").assertEvent("message", "a", "1").assertLastEventId("1");
  }

  @Test
  void idKeepsSecondSpace() {
    parse("id:  1\ndata: a\n\n").assertEvent("message", "a", " 1");
  }

  @Test
  void idOfUnterminatedEventNotApplied() {
    parse("id: 1\ndata: a\n\nid: 2\ndata: b\n")
        .assertEvent("message", "a", "1")
        .assertLastEventId("1");
  }

  @Test
  void nonAsciiId() {
    parse("id: é€\ndata: a\n\n").assertEvent("message", "a", "é€");
  }

  @Test
  void lastIdFieldInEventWins() {
    parse("id: 1\nid: 2\ndata: a\n\n").assertEvent("message", "a", "2");
  }

  // --- retry ---

  @Test
  void retryIsMinusOneUntilSet() {
    parse("data: a\n\n").assertMessage("a").assertRetry(-1);
  }

  @Test
  void retrySetsReconnectionTime() {
    parse("retry: 1000\n").assertRetry(1000);
  }

  @Test
  void retryWithoutSpace() {
    parse("retry:22\n\n").assertRetry(22);
  }

  @Test
  void retryZero() {
    parse("retry: 0\n").assertRetry(0);
  }

  @Test
  void retryLeadingZeros() {
    parse("retry: 007\n").assertRetry(7);
  }

  @Test
  void retryWithLetterIgnored() {
    parse("retry: 10a\n").assertRetry(-1);
  }

  @Test
  void retryNegativeIgnored() {
    parse("retry: -1\n").assertRetry(-1);
  }

  @Test
  void retryDecimalIgnored() {
    parse("retry: 1.5\n").assertRetry(-1);
  }

  @Test
  void retryWithTwoSpacesIgnored() {
    parse("retry:  100\n").assertRetry(-1);
  }

  @Test
  void retryWithTrailingSpaceIgnored() {
    parse("retry: 100 \n").assertRetry(-1);
  }

  @Test
  void retryEmptyIgnored() {
    parse("retry:\nretry\n").assertRetry(-1);
  }

  @Test
  void invalidRetryKeepsEarlierValue() {
    parse("retry: 1000\nretry: abc\n").assertRetry(1000);
  }

  @Test
  void laterValidRetryWins() {
    parse("retry: 1000\nretry: 2000\n").assertRetry(2000);
  }

  @Test
  void retryNonAsciiDigitsIgnored() {
    parse("retry: \u0661\u0662\n").assertRetry(-1);
  }

  @Test
  void retryTooLargeSaturates() {
    parse("retry: 99999999999999999999999\n").assertRetry(Long.MAX_VALUE);
  }

  @Test
  void retryDoesNotDispatch() {
    parse("retry: 5\n\n").assertRetry(5);
  }

  @Test
  void retryInsideEventAppliesAndEventDispatches() {
    parse("data: a\nretry: 7\n\n").assertMessage("a").assertRetry(7);
  }

  @Test
  void retryOfUnterminatedLineIgnored() {
    parse("retry: 7").assertRetry(-1);
  }

  // --- comments, unknown fields, field names ---

  @Test
  void commentIgnored() {
    parse(":comment\ndata: a\n\n").assertMessage("a");
  }

  @Test
  void emptyCommentIgnored() {
    parse(":\ndata: a\n\n").assertMessage("a");
  }

  @Test
  void commentOnlyDispatchesNothing() {
    parse(": keep-alive\n\n: ping\n\n");
  }

  @Test
  void commentBetweenDataLines() {
    parse("data: a\n: note\ndata: b\n\n").assertMessage("a\nb");
  }

  @Test
  void unknownFieldIgnored() {
    parse("foo: bar\ndata: a\n\n").assertMessage("a");
  }

  @Test
  void unknownFieldAloneDispatchesNothing() {
    parse("foo: bar\n\n");
  }

  @Test
  void fieldNamesAreCaseSensitive() {
    parse("Data: a\n\nEVENT: x\nId: 1\nRetry: 5\ndata: b\n\n").assertMessage("b");
  }

  @Test
  void spaceBeforeColonMakesAnotherField() {
    parse("data : a\n\n");
  }

  @Test
  void leadingSpaceMakesAnotherField() {
    parse(" data: a\n\n");
  }

  @Test
  void fieldNamePrefixIsNotTheField() {
    parse("dat: a\ndataa: b\nevents: c\nids: d\nretry2: 5\n\n");
  }

  @Test
  void nulInFieldNameMakesAnotherField() {
    parse("data\u0000: a\n\n");
  }

  // --- dispatch ---

  @Test
  void blankLinesWithoutDataDispatchNothing() {
    parse("\n\n\n\r\n\r");
  }

  @Test
  void emptyInput() {
    parse("");
  }

  @Test
  void unterminatedEventDiscarded() {
    parse("data: a\n");
  }

  @Test
  void unterminatedLineDiscarded() {
    parse("data: a");
  }

  @Test
  void unterminatedEventAfterCompleteOneDiscarded() {
    parse("data: a\n\ndata: b\n").assertMessage("a");
  }

  @Test
  void unterminatedLineWithCrAtEndCountsAsLineEnd() {
    parse("data: a\r\r").assertMessage("a");
  }

  @Test
  void manyEvents() {
    StringBuilder in = new StringBuilder();
    for (int i = 0; i < 20; i++) {
      in.append("data: ").append(i).append("\n\n");
    }
    SseRecorder r = parse(in.toString());
    for (int i = 0; i < 20; i++) {
      r.assertMessage(Integer.toString(i));
    }
  }

  @Test
  void kimiStyleStream() {
    parse(
            "data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\n\n"
                + ": keep-alive\n\n"
                + "data: {\"choices\":[]}\r\n\r\n"
                + "data: [DONE]\n\n")
        .assertMessage("{\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}")
        .assertMessage("{\"choices\":[]}")
        .assertMessage("[DONE]");
  }

  // --- BOM and UTF-8 ---

  @Test
  void leadingBomSkipped() {
    parse("\uFEFFdata: a\n\n").assertMessage("a");
  }

  @Test
  void onlyOneBomSkipped() {
    parse("\uFEFF\uFEFFdata: a\n\ndata: b\n\n").assertMessage("b");
  }

  @Test
  void bomAfterStartNotSkipped() {
    parse("data: a\n\n\uFEFFdata: b\n\n").assertMessage("a");
  }

  @Test
  void bomInsideValueKept() {
    parse("data: \uFEFFa\n\n").assertMessage("\uFEFFa");
  }

  @Test
  void partialBomIsOrdinaryInput() {
    parse(bytes(0xEF, 0xBB, "data: a\n\ndata: b\n\n")).assertMessage("b");
  }

  @Test
  void partialBomBeforeLineEnd() {
    parse(bytes(0xEF, "\ndata: b\n\n")).assertMessage("b");
  }

  @Test
  void bomOnlyInput() {
    parse(bytes(0xEF, 0xBB, 0xBF));
  }

  @Test
  void multiByteCharactersSurviveAnySplit() {
    parse("data: 日本語 é 🎉\n\n").assertMessage("日本語 é 🎉");
  }

  @Test
  void multiByteEventType() {
    parse("event: 事件\ndata: x\n\n").assertEvent("事件", "x", "");
  }

  @Test
  void invalidByteBecomesReplacementCharacter() {
    parse(bytes("data: a", 0xFF, "b\n\n")).assertMessage("a\uFFFDb");
  }

  @Test
  void loneContinuationByteReplaced() {
    parse(bytes("data: ", 0x80, "\n\n")).assertMessage("\uFFFD");
  }

  @Test
  void truncatedSequenceBeforeLineEndIsOneReplacement() {
    parse(bytes("data: ", 0xE2, 0x82, "\n\n")).assertMessage("\uFFFD");
  }

  @Test
  void truncatedSequenceBetweenDataLines() {
    parse(bytes("data: ", 0xF0, 0x9F, 0x98, "\ndata: x\n\n")).assertMessage("\uFFFD\nx");
  }

  @Test
  void encodedSurrogateIsThreeReplacements() {
    parse(bytes("data: ", 0xED, 0xA0, 0x80, "\n\n")).assertMessage("\uFFFD\uFFFD\uFFFD");
  }

  @Test
  void overlongEncodingReplacedPerByte() {
    parse(bytes("data: ", 0xC0, 0x80, 0xE0, 0x80, 0x80, "\n\n")).assertMessage("\uFFFD".repeat(5));
  }

  @Test
  void codePointAboveMaxReplaced() {
    parse(bytes("data: ", 0xF4, 0x90, 0x80, 0x80, "\n\n")).assertMessage("\uFFFD".repeat(4));
  }

  @Test
  void invalidLeadThenValidCharacter() {
    parse(bytes("data: ", 0xE1, 0x80, 0xE1, 0x80, 0x80, "\n\n")).assertMessage("\uFFFD\u1000");
  }

  @Test
  void bytesF5ToFfReplaced() {
    parse(bytes("data: ", 0xF5, 0xF8, 0xFE, "\n\n")).assertMessage("\uFFFD\uFFFD\uFFFD");
  }

  @Test
  void literalReplacementCharacterKept() {
    parse("data: \uFFFD ok é\n\n").assertMessage("\uFFFD ok é");
  }

  @Test
  void invalidUtf8InIdAndType() {
    parse(bytes("event: t", 0xFF, "\nid: ", 0xC3, "\ndata: x\n\n"))
        .assertEvent("t\uFFFD", "x", "\uFFFD");
  }

  @Test
  void invalidUtf8InFieldNameMakesAnotherField() {
    parse(bytes("data", 0xFF, ": a\n\n"));
  }

  // --- limits ---

  private static String errorOf(String input, SseLimits limits) {
    SseChunkings.Outcome outcome =
        SseChunkings.parseEveryWay(input.getBytes(StandardCharsets.UTF_8), limits);
    return outcome.error();
  }

  @Test
  void lineAtLimitAccepted() {
    parse("data: 12\n\n".getBytes(StandardCharsets.UTF_8), new SseLimits(8, 100))
        .assertMessage("12");
  }

  @Test
  void lineOverLimitFails() {
    assertThat(errorOf("data: 123\n\n", new SseLimits(8, 100)))
        .startsWith("SseException: event stream line longer than 8 bytes")
        .contains("SseLimits.maxLineBytes");
  }

  @Test
  void unterminatedLineOverLimitFails() {
    assertThat(errorOf("data: 123", new SseLimits(8, 100))).contains("longer than 8 bytes");
  }

  @Test
  void longCommentOverLimitFails() {
    assertThat(errorOf(":" + "x".repeat(20) + "\n", new SseLimits(8, 100)))
        .contains("longer than 8 bytes");
  }

  @Test
  void eventAtLimitAccepted() {
    parse("data: 12\ndata: 45\n\n".getBytes(StandardCharsets.UTF_8), new SseLimits(100, 5))
        .assertMessage("12\n45");
  }

  @Test
  void eventOverLimitFails() {
    assertThat(errorOf("data: 123\ndata: 45\n\n", new SseLimits(100, 5)))
        .startsWith("SseException: event stream event data larger than 5 bytes")
        .contains("SseLimits.maxEventBytes");
  }

  @Test
  void eventsBeforeTheLimitAreDispatched() {
    SseChunkings.Outcome outcome =
        SseChunkings.parseEveryWay(
            "data: a\n\ndata: 123456\n\n".getBytes(StandardCharsets.UTF_8), new SseLimits(100, 5));
    assertThat(outcome.error()).contains("larger than 5 bytes");
    assertThat(outcome.events()).containsExactly(ServerSentEvent.message("a"));
  }

  @Test
  void bufferGrowsPastInitialSizeBelowTheLimit() {
    String big = "x".repeat(5000);
    parse("event: " + "t".repeat(300) + "\nid: " + "i".repeat(300) + "\ndata: " + big + "\n\n")
        .assertEvent("t".repeat(300), big, "i".repeat(300));
  }

  // --- lifecycle and arguments ---

  @Test
  void feedAfterCloseFails() {
    SseParser parser = new SseParser(e -> {});
    parser.close();
    parser.close();
    assertThatThrownBy(() -> parser.feed(ByteBuffer.allocate(1)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void feedAfterFailureFails() {
    SseParser parser = new SseParser(e -> {}, new SseLimits(4, 4));
    byte[] line = "data: toolong\n".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> parser.feed(line, 0, line.length)).isInstanceOf(SseException.class);
    assertThatThrownBy(() -> parser.feed(ByteBuffer.allocate(1)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("failed");
  }

  @Test
  void throwingSinkPropagatesAndFailsTheParser() {
    SseParser parser =
        new SseParser(
            e -> {
              throw new IllegalArgumentException("boom");
            });
    assertThatThrownBy(() -> parser.feed(ByteBuffer.wrap("data: a\n\n".getBytes())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("boom");
    assertThatThrownBy(() -> parser.feed(new byte[1], 0, 1))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void feedRejectsBadRange() {
    SseParser parser = new SseParser(e -> {});
    assertThatThrownBy(() -> parser.feed(new byte[4], 2, 3))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void nullArgumentsRejected() {
    assertThatThrownBy(() -> new SseParser((java.util.function.Consumer<ServerSentEvent>) null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("sink");
    assertThatThrownBy(() -> new SseParser((SseParser.Listener) null, SseLimits.defaults()))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("listener");
    assertThatThrownBy(() -> new SseParser(e -> {}, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("limits");
  }

  @Test
  void listenerSeesDataBytesInPlace() {
    List<String> seen = new ArrayList<>();
    SseParser parser =
        new SseParser(
            (type, data, off, len, id) ->
                seen.add(
                    type + "|" + new String(data, off, len, StandardCharsets.UTF_8) + "|" + id),
            SseLimits.defaults());
    byte[] in = "id: 9\nevent: e\ndata: {\"x\":1}\n\ndata: 2\n\n".getBytes(StandardCharsets.UTF_8);
    parser.feed(in, 0, in.length);
    parser.close();
    assertThat(seen).containsExactly("e|{\"x\":1}|9", "message|2|9");
  }

  @Test
  void repeatedTypeAndIdStringsAreReused() {
    List<ServerSentEvent> events = new ArrayList<>();
    SseParser parser = new SseParser(events::add);
    byte[] in =
        "event: t\nid: 1\ndata: a\n\nevent: t\nid: 1\ndata: b\n\n".getBytes(StandardCharsets.UTF_8);
    parser.feed(in, 0, in.length);
    assertThat(events).hasSize(2);
    assertThat(events.get(1).event()).isSameAs(events.get(0).event());
    assertThat(events.get(1).id()).isSameAs(events.get(0).id());
  }

  /** Feeds {@code input} in pieces of {@code size} bytes; returns the parser. */
  private static SseParser fedInPieces(String input, int size) {
    SseParser parser = new SseParser((type, data, off, len, id) -> {}, SseLimits.defaults());
    byte[] in = input.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < in.length; i += size) {
      parser.feed(in, i, Math.min(size, in.length - i));
    }
    return parser;
  }

  @Test
  void eventBytesCountEveryLineButCommentsAndBlankOnesHoweverTheyAreFed() {
    // "data: ab\n" 9, "event: x\n" 9, "id: 1\n" 6, "retry: 5\r\n" 9 (CR LF is one line end);
    // comments, split or not, and blank lines count nothing
    String input = "data: ab\n: keep-alive\n\nevent: x\n:\nid: 1\nretry: 5\r\n\r\n";
    for (int size = 1; size <= input.length(); size++) {
      assertThat(fedInPieces(input, size).eventBytes()).as("pieces of %d", size).isEqualTo(33);
    }
  }

  @Test
  void aLineCountsItsBytesAsTheyArrive() {
    SseParser parser = new SseParser((type, data, off, len, id) -> {}, SseLimits.defaults());
    byte[] in = "data: {\"a\":1}\n".getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < in.length; i++) {
      parser.feed(in, i, 1);
      assertThat(parser.eventBytes()).isEqualTo(i + 1);
    }
    byte[] comment = ": a comment\n".getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < comment.length; i++) {
      parser.feed(comment, i, 1);
      assertThat(parser.eventBytes()).isEqualTo(in.length);
    }
  }

  @Test
  void thePendingEventTypeIsItsLastCompleteEventLine() {
    SseParser parser = fedInPieces("data: a\n", 100);
    assertThat(parser.pendingEventType()).isEqualTo("message");
    parser.feed("event: pi".getBytes(StandardCharsets.UTF_8), 0, 9);
    assertThat(parser.pendingEventType()).as("a line not yet ended").isEqualTo("message");
    parser.feed("ng\n".getBytes(StandardCharsets.UTF_8), 0, 3);
    assertThat(parser.pendingEventType()).isEqualTo("ping");
    parser.feed("\n".getBytes(StandardCharsets.UTF_8), 0, 1);
    assertThat(parser.pendingEventType()).as("dispatched").isEqualTo("message");
  }
}
