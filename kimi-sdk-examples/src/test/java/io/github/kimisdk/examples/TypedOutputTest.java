package io.github.kimisdk.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TypedOutputTest {

  @Test
  void bindsTheReplyAndTheToolArgumentsToRecordsOffline() {
    Captured c = new Captured();
    int status = TypedOutput.run(Map.of(), c.out);
    assertThat(status).as(c.text()).isZero();
    assertThat(TypedOutput.class.getModule().getName()).isEqualTo("io.github.kimisdk.examples");
    assertThat(c.text())
        .contains(
            "[schema] {\"type\":\"object\",\"description\":\"Current weather at one place\","
                + "\"properties\":{\"city\":{\"type\":\"string\"},\"temperature\":"
                + "{\"type\":\"number\",\"description\":\"degrees Celsius\"},")
        .contains(
            "Weather[city=Paris, temperature=21.5, sky=CLEAR, warnings=[strong wind],"
                + " date=2026-03-25]\n")
        .contains(
            "[back to JSON] {\"city\":\"Paris\",\"temperature\":21.5,\"sky\":\"CLEAR\","
                + "\"warnings\":[\"strong wind\"],\"date\":\"2026-03-25\"}")
        .contains("[failed at] $.temperature\n")
        .contains(
            "[message] The reply for Weather does not match it: $.temperature"
                + " (Weather.temperature): expected a number but was a string\n")
        .contains("[raw] {\"city\":\"Paris\",\"temperature\":\"mild\"")
        .contains("[tool] get_forecast(Forecast[city=Paris, days=3])\n")
        .contains(
            "[answer] From the tools: get_forecast says"
                + " {\"city\":\"Paris\",\"highs\":[21.5,19.0,17.5]}.\n")
        .contains("[tool errors] 0\n");
  }
}
