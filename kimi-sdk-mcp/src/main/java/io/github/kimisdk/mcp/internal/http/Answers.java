package io.github.kimisdk.mcp.internal.http;

import io.github.kimisdk.mcp.internal.rpc.Unauthorized;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** What the transport reads of an MCP server's answers besides their bodies, and what it says. */
final class Answers {

  private Answers() {}

  /**
   * What a 401 or 403 asks for: its {@code WWW-Authenticate} values (at most 8, 8 KiB in all) and
   * {@code DPoP-Nonce} (at most 512 characters), and the grant the request carried.
   */
  static Unauthorized unauthorized(int status, HttpHeaders headers, long grant) {
    List<String> values = new ArrayList<>();
    int chars = 0;
    for (String v : headers.allValues("WWW-Authenticate")) {
      if (values.size() == 8 || chars + v.length() > 8192) {
        break; // the server controls these: a few KiB say all a client needs
      }
      values.add(v);
      chars += v.length();
    }
    String nonce = headers.firstValue("DPoP-Nonce").orElse(null);
    if (nonce != null && nonce.length() > 512) {
      nonce = null;
    }
    return new Unauthorized(status, values, nonce, grant);
  }

  /** What to check for an HTTP error status, said after it. */
  static String hint(int status) {
    switch (status) {
      case 401:
        return " (not authorized: set McpClient.HttpBuilder.authorization(...) for a server that"
            + " uses OAuth, or check the bearer token or headers)";
      case 403:
        return " (forbidden: check the token's permissions)";
      case 404:
        return " (no MCP endpoint at this URL: check the path, often /mcp)";
      case 405:
        return " (this URL does not take this method: is it a Streamable HTTP endpoint?)";
      default:
        return "";
    }
  }

  /** The start of a message that is not JSON, for the log. */
  static String excerpt(byte[] b, int off, int len) {
    int n = Math.min(len, 200);
    return new String(b, off, n, StandardCharsets.UTF_8) + (n < len ? "..." : "");
  }
}
