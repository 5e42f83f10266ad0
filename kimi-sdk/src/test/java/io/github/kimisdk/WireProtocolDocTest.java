package io.github.kimisdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.completions.Fate;
import io.github.kimisdk.internal.wire.Wire;
import io.github.kimisdk.internal.wire.Wires;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@link WireProtocol}'s Javadoc tells, in prose, how each protocol maps a request; this holds the
 * prose to the wires' declarations ({@code Wire.fates()}): its "Dropped" and "Refused" items name
 * exactly the components the wire drops and refuses ({@code {@code component}}, in any case that
 * applies), and it names every member a component is written as where that differs from chat
 * completions.
 */
class WireProtocolDocTest {

  static final Path SOURCE = Path.of("src/main/java/io/github/kimisdk/WireProtocol.java");

  static final Set<String> COMPONENTS =
      Arrays.stream(ChatRequest.class.getRecordComponents())
          .map(RecordComponent::getName)
          .collect(Collectors.toSet());

  /** The Javadoc that tells how a request maps onto the protocol, its {@code *} prefixes gone. */
  static String section(String javadoc, WireProtocol p) {
    String text;
    switch (p) {
      case ANTHROPIC_MESSAGES:
        int start = javadoc.indexOf("<p>How a request maps onto Messages");
        text = javadoc.substring(start, javadoc.indexOf("<p>Replies map back", start));
        break;
      case CHAT_COMPLETIONS:
      case RESPONSES:
        int constant =
            javadoc.indexOf("\n  " + p.name() + (p == WireProtocol.RESPONSES ? ";" : ","));
        text = javadoc.substring(javadoc.lastIndexOf("/**", constant), constant);
        int replies = text.indexOf("<p>Replies map back");
        text = replies < 0 ? text : text.substring(0, replies);
        break;
      default:
        throw new AssertionError(p);
    }
    return text.replaceAll("\n\\s*\\*", " ").replaceAll("\\s+", " ");
  }

  /** The components named in {@code {@code ...}} in the item that starts with {@code lead}. */
  static Set<String> named(String section, String lead) {
    int at = section.indexOf("<li>" + lead);
    assertThat(at).as("an item that starts with \"%s\"", lead).isNotNegative();
    String item = section.substring(at + 4);
    int end = item.length();
    for (String next : List.of("<li>", "</ul>")) {
      int i = item.indexOf(next);
      end = i < 0 ? end : Math.min(end, i);
    }
    Set<String> out = new TreeSet<>();
    Matcher m = Pattern.compile("\\{@code (\\w+)\\}").matcher(item.substring(0, end));
    while (m.find()) {
      if (COMPONENTS.contains(m.group(1))) {
        out.add(m.group(1));
      }
    }
    return out;
  }

  static Set<String> declared(Wire w, Fate.Kind kind) {
    return w.fates().stream()
        .filter(f -> f.kind() == kind)
        .map(Fate::component)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  @Test
  void theJavadocDropsAndRefusesWhatEachWireDeclares() throws IOException {
    String javadoc = Files.readString(SOURCE, StandardCharsets.UTF_8);
    List<String> problems = new ArrayList<>();
    for (WireProtocol p : WireProtocol.values()) {
      Wire w = Wires.get(p, false);
      String section = section(javadoc, p);
      for (Fate.Kind kind : List.of(Fate.Kind.DROPPED, Fate.Kind.REFUSED)) {
        String lead = kind == Fate.Kind.DROPPED ? "Dropped" : "Refused";
        Set<String> named = named(section, lead);
        if (!named.equals(declared(w, kind))) {
          problems.add(
              p + "'s \"" + lead + "\" names " + named + "; the wire: " + declared(w, kind));
        }
      }
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void theJavadocNamesEveryMemberAComponentIsRenamedTo() throws IOException {
    String javadoc = Files.readString(SOURCE, StandardCharsets.UTF_8);
    Wire chat = Wires.get(WireProtocol.CHAT_COMPLETIONS, false);
    List<String> missing = new ArrayList<>();
    for (WireProtocol p : WireProtocol.values()) {
      Wire w = Wires.get(p, false);
      String section = section(javadoc, p);
      for (Fate f : w.fates()) {
        for (String name : f.names()) {
          boolean asOnChat =
              chat.fates().stream()
                  .anyMatch(c -> c.component().equals(f.component()) && c.names().contains(name));
          if (!asOnChat && !Pattern.compile("\\{@code " + name + "\\b").matcher(section).find()) {
            missing.add(p + ": " + f.component() + " written as " + name);
          }
        }
      }
    }
    assertThat(missing).as("members the Javadoc does not name as {@code ...}").isEmpty();
  }
}
