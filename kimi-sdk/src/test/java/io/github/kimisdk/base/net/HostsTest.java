package io.github.kimisdk.base.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The one loopback rule, a row per case, and the literal parsers it stands on. */
class HostsTest {

  @ParameterizedTest(name = "{0} is loopback: {1}")
  @CsvSource({
    "localhost, true",
    "LOCALHOST, true",
    "127.0.0.1, true",
    "127.1.2.3, true",
    "127.255.255.255, true",
    "127.000.000.001, true",
    "::1, true",
    "[::1], true",
    "0:0:0:0:0:0:0:1, true",
    "[0000:0000:0000:0000:0000:0000:0000:0001], true",
    "::0:1, true",
    // a name that merely starts with 127., or a subdomain, is a name
    "127.evil.example, false",
    "127.0.0.1.evil.example, false",
    "127.0.0.1.nip.io, false",
    "api.localhost, false",
    "localhost.evil.example, false",
    "localhost., false",
    // not strict dotted quads
    "127.1, false",
    "127.0.0, false",
    "127.0.0.256, false",
    "127.0.0.1234, false",
    "127..0.1, false",
    "0177.0.0.1, false",
    "2130706433, false",
    // other addresses
    "128.0.0.1, false",
    "10.0.0.1, false",
    "0.0.0.0, false",
    "::, false",
    "::2, false",
    "::ffff:127.0.0.1, false",
    "[::1%25lo], false",
    "'', false",
  })
  void loopbackIsLocalhostOrAnAddressLiteralInItsRange(String host, boolean loopback) {
    assertThat(Hosts.isLoopback(host)).isEqualTo(loopback);
  }

  @Test
  void nullIsNotLoopback() {
    assertThat(Hosts.isLoopback(null)).isFalse();
    assertThat(Hosts.ipLiteral(null)).isNull();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "1.2.3.4",
    "255.255.255.255",
    "::",
    "::1",
    "fe80::1",
    "fc00::abcd",
    "2001:db8::8a2e:370:7334",
    "2001:0db8:0000:0000:0000:ff00:0042:8329",
    "1:2:3:4:5:6:7:8",
    "1::8",
    "1:2:3:4:5:6:7::",
    "::ffff:10.0.0.1",
    "64:ff9b::192.0.2.33",
    "1:2:3:4:5:6:1.2.3.4",
    "[2001:db8::1]",
  })
  void literalsReadAsTheJdkReadsThem(String literal) throws Exception {
    byte[] jdk = InetAddress.getByName(literal).getAddress();
    byte[] ours = Hosts.ipLiteral(literal);
    if (jdk.length == 4 && ours.length == 16) {
      // the JDK turns an IPv4-mapped IPv6 address into IPv4: compare its last four bytes
      byte[] tail = new byte[4];
      System.arraycopy(ours, 12, tail, 0, 4);
      ours = tail;
    }
    assertThat(ours).isEqualTo(jdk);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "example.com",
    "1.2.3",
    "1.2.3.4.5",
    "1.2.3.-4",
    "::1::",
    ":::",
    ":1",
    "1:",
    "1:2:3:4:5:6:7:8:9",
    "1:2:3:4:5:6:7",
    "12345::1",
    "g::1",
    "fe80::1%eth0",
    "::1.2.3",
    "1.2.3.4::",
    "[]",
  })
  void otherTextsAreNoLiterals(String text) {
    assertThat(Hosts.ipLiteral(text)).isNull();
  }

  /**
   * The IPv4 parser says what the pattern of four decimal groups of 1 to 3 digits, each at most
   * 255, says, on strings made of the characters that matter (fixed seed).
   */
  @Test
  void theIpv4ParserAgreesWithItsPattern() {
    Pattern quad = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    Random random = new Random(62);
    String alphabet = "1279.0.53x";
    for (int n = 0; n < 20_000; n++) {
      StringBuilder sb = new StringBuilder(n % 2 == 0 ? "127." : "");
      for (int i = random.nextInt(14); i > 0; i--) {
        sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      String s = sb.toString();
      Matcher m = quad.matcher(s);
      boolean expected = m.matches();
      for (int g = 1; expected && g <= 4; g++) {
        expected = Integer.parseInt(m.group(g)) <= 255;
      }
      assertThat(Hosts.ipv4(s) != null).as(s).isEqualTo(expected);
      assertThat(Hosts.isLoopback(s)).as(s).isEqualTo(expected && s.startsWith("127."));
    }
  }
}
