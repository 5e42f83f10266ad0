package io.github.kimisdk.mcp.internal.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.mcp.Door;
import io.github.kimisdk.mcp.McpException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The policy for every URL a server names, a row per rule; names resolve through a table. */
class UrlPolicyTest {

  /** Names and what they resolve to, for these tests only: no DNS is asked. */
  private static final Map<String, String> DNS =
      Map.of(
          "mcp.example.com", "93.184.216.34",
          "auth.example.com", "93.184.216.35",
          "metadata.internal", "169.254.169.254",
          "intranet.corp", "10.1.2.3",
          "rebound.example", "127.0.0.1",
          "mixed.example", "93.184.216.36,10.0.0.9");

  private final List<String> resolved = new CopyOnWriteArrayList<>();

  private final Function<String, InetAddress[]> resolver =
      host -> {
        resolved.add(host);
        String ips = DNS.get(host);
        if (ips == null) {
          return new InetAddress[0];
        }
        String[] each = ips.split(",");
        InetAddress[] out = new InetAddress[each.length];
        for (int i = 0; i < each.length; i++) {
          try {
            out[i] = InetAddress.getByName(each[i]);
          } catch (UnknownHostException e) {
            throw new AssertionError(e);
          }
        }
        return out;
      };

  private UrlPolicy policy(String mcp, boolean allowPrivate) {
    return new UrlPolicy(URI.create(mcp), allowPrivate, resolver, new Secrets(Door.failures()));
  }

  /**
   * Each row: the MCP server, the URL it names, and null when allowed, else the refusal's words.
   */
  private static final String[][] TABLE = {
    // https to a public host: allowed from anywhere
    {"https://mcp.example.com/mcp", "https://auth.example.com/.well-known/x", null},
    {"http://127.0.0.1:9/mcp", "https://auth.example.com/token", null},
    // plain http: only to loopback, and only from an MCP server on loopback
    {"http://127.0.0.1:9/mcp", "http://127.0.0.1:10/token", null},
    {"http://localhost:9/mcp", "http://[::1]:10/token", null},
    {"https://mcp.example.com/mcp", "http://127.0.0.1:10/token", "must be an https URL"},
    {"http://127.0.0.1:9/mcp", "http://auth.example.com/token", "must be an https URL"},
    {"http://127.0.0.1:9/mcp", "http://127.evil.example/token", "must be an https URL"},
    {"http://127.0.0.1:9/mcp", "file:///etc/passwd", "must be an https URL"},
    {"http://127.0.0.1:9/mcp", "javascript:alert(1)", "must be an https URL"},
    {
      "https://mcp.example.com/mcp",
      "https://auth.example.com/x#frag",
      "without user info or a fragment"
    },
    {
      "https://mcp.example.com/mcp",
      "https://user@auth.example.com/x",
      "without user info or a fragment"
    },
    // addresses of the server's own kind only
    {"https://mcp.example.com/mcp", "https://127.0.0.1/token", "a loopback address"},
    {"https://mcp.example.com/mcp", "https://localhost/token", "a loopback address"},
    {"https://mcp.example.com/mcp", "https://10.0.0.1/token", "a private address"},
    {"https://mcp.example.com/mcp", "https://172.20.0.1/token", "a private address"},
    {"https://mcp.example.com/mcp", "https://192.168.0.1/token", "a private address"},
    {"https://mcp.example.com/mcp", "https://100.64.0.1/token", "a private address"},
    {"https://mcp.example.com/mcp", "https://[fd12::1]/token", "a private address"},
    {"https://mcp.example.com/mcp", "https://169.254.169.254/latest", "a link-local address"},
    {"https://mcp.example.com/mcp", "https://[fe80::1]/x", "a link-local address"},
    {"https://mcp.example.com/mcp", "https://224.0.0.1/x", "a multicast or reserved address"},
    {"https://mcp.example.com/mcp", "https://[ff02::1]/x", "a multicast or reserved address"},
    {"https://mcp.example.com/mcp", "https://0.0.0.0/x", "an unspecified address"},
    {"https://mcp.example.com/mcp", "https://[::ffff:10.0.0.1]/x", "a private address"},
    {"https://mcp.example.com/mcp", "https://metadata.internal/x", "a link-local address"},
    {"https://mcp.example.com/mcp", "https://rebound.example/x", "a loopback address"},
    {"https://mcp.example.com/mcp", "https://mixed.example/x", "a private address"},
    {"https://intranet.corp/mcp", "https://10.9.9.9/token", null},
    {"https://10.0.0.5/mcp", "https://intranet.corp/token", null},
    {"https://10.0.0.5/mcp", "https://127.0.0.1/token", "a loopback address"},
    {"https://10.0.0.5/mcp", "https://169.254.169.254/x", "a link-local address"},
    {"http://127.0.0.1:9/mcp", "https://10.0.0.1/token", "a private address"},
    // a name that does not resolve now is left to fail when fetched
    {"https://mcp.example.com/mcp", "https://unknown.example/x", null},
  };

  @Test
  void everyUrlAServerNamesIsHeldToThePolicy() {
    for (String[] row : TABLE) {
      UrlPolicy p = policy(row[0], false);
      String what = row[0] + " names " + row[1];
      if (row[2] == null) {
        assertThat(p.check("s", row[1], "token endpoint")).as(what).isEqualTo(URI.create(row[1]));
      } else {
        assertThatThrownBy(() -> p.check("s", row[1], "token endpoint"))
            .as(what)
            .isInstanceOf(McpException.class)
            .hasMessageContaining(row[2])
            .satisfies(
                e ->
                    assertThat(((McpException) e).kind())
                        .isEqualTo(McpException.Kind.AUTHORIZATION));
      }
    }
  }

  @Test
  void theUserMayAllowPrivateAddressesForDevelopmentButNotPlainHttp() {
    UrlPolicy p = policy("https://mcp.example.com/mcp", true);
    for (String url :
        List.of(
            "https://127.0.0.1/token",
            "https://10.0.0.1/token",
            "https://169.254.169.254/x",
            "https://metadata.internal/x")) {
      assertThat(p.check("s", url, "token endpoint")).as(url).isEqualTo(URI.create(url));
    }
    assertThatThrownBy(() -> p.check("s", "http://10.0.0.1/token", "token endpoint"))
        .hasMessageContaining("must be an https URL");
    assertThat(resolved).as("nothing needs resolving when every address is allowed").isEmpty();
  }

  @Test
  void literalsAndLocalhostAreNeverResolvedNorIsTheServerUnlessItMatters() {
    UrlPolicy p = policy("https://mcp.example.com/mcp", false);
    p.check("s", "https://93.184.216.34/x", "token endpoint");
    assertThatThrownBy(() -> p.check("s", "https://localhost/x", "token endpoint"))
        .isInstanceOf(McpException.class);
    assertThatThrownBy(() -> p.check("s", "https://[::1]/x", "token endpoint"))
        .isInstanceOf(McpException.class);
    assertThat(resolved).containsExactly("mcp.example.com"); // the server's kind, once, when needed
  }

  @Test
  void anAddressIsClassifiedByItsRange() {
    assertThat(UrlPolicy.reach(new byte[] {(byte) 172, 15, 0, 1}))
        .isEqualTo(UrlPolicy.Reach.PUBLIC);
    assertThat(UrlPolicy.reach(new byte[] {(byte) 172, 16, 0, 1}))
        .isEqualTo(UrlPolicy.Reach.PRIVATE);
    assertThat(UrlPolicy.reach(new byte[] {(byte) 172, 31, (byte) 255, 1}))
        .isEqualTo(UrlPolicy.Reach.PRIVATE);
    assertThat(UrlPolicy.reach(new byte[] {(byte) 172, 32, 0, 1}))
        .isEqualTo(UrlPolicy.Reach.PUBLIC);
    assertThat(UrlPolicy.reach(new byte[] {100, 63, 0, 1})).isEqualTo(UrlPolicy.Reach.PUBLIC);
    assertThat(UrlPolicy.reach(new byte[] {100, (byte) 128, 0, 1}))
        .isEqualTo(UrlPolicy.Reach.PUBLIC);
    assertThat(UrlPolicy.reach(new byte[] {(byte) 255, (byte) 255, (byte) 255, (byte) 255}))
        .isEqualTo(UrlPolicy.Reach.MULTICAST);
  }
}
