package com.example.flink;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TicketTriageTest {

  @Test
  void everyTicketComesOutWithItsAnswerAndCost() throws Exception {
    PrintStream before = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      TicketTriage.main(new String[0]);
    } finally {
      System.setOut(before);
    }
    String printed = out.toString(StandardCharsets.UTF_8);
    before.print(printed);
    assertTrue(printed.contains("using FakeKimiServer at http://127.0.0.1:"), printed);
    assertTrue(printed.contains("#1 You said: The app crashes when I open settings [$"), printed);
    assertTrue(printed.contains("#4 You said: Login fails with error 500 since this morning"), printed);
    assertTrue(printed.contains("[cost] $0."), printed);
  }
}
