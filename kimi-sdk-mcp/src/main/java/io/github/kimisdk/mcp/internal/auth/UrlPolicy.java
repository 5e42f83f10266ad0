package io.github.kimisdk.mcp.internal.auth;

import io.github.kimisdk.base.net.Hosts;
import io.github.kimisdk.mcp.internal.rpc.ServerText;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.function.Function;

/**
 * The policy for every URL a server names before the client fetches it or posts to it (the
 * protected resource metadata's URL, the authorization servers it lists, the endpoints their
 * metadata lists, every redirect of a metadata document): {@code https} only, but plain {@code
 * http} to a loopback host when the MCP server itself is on loopback (the one rule of {@link
 * Hosts}); no fragment, no user info; and no loopback, private, link-local, multicast or
 * unspecified address unless the MCP server is itself on an address of that kind, or the user
 * allowed them for development ({@code McpAuthorization.Builder.allowPrivateAddresses}). A name is
 * resolved to tell its addresses' kind (the worst of them counts) only where the answer matters:
 * never for an IP literal or {@code localhost}, and not at all when private addresses are allowed.
 * This is the Server-Side Request Forgery defence of the MCP security best practices; a name that
 * resolves differently when it is fetched is beyond it.
 */
final class UrlPolicy {

  /** What kind of address a host is, from the most public to the least. */
  enum Reach {
    PUBLIC,
    PRIVATE,
    LINK_LOCAL,
    LOOPBACK,
    MULTICAST,
    UNSPECIFIED;

    String label() {
      switch (this) {
        case PRIVATE:
          return "a private address";
        case LINK_LOCAL:
          return "a link-local address";
        case LOOPBACK:
          return "a loopback address";
        case MULTICAST:
          return "a multicast or reserved address";
        case UNSPECIFIED:
          return "an unspecified address";
        default:
          return "a public address";
      }
    }
  }

  private final boolean mcpLoopback;
  private final String mcpHost;
  private volatile Reach mcpReach; // found when first needed: a name may have to be resolved
  private final boolean allowPrivate;
  private final Function<String, InetAddress[]> resolver;
  private final Secrets secrets;

  /**
   * The policy of one MCP server.
   *
   * @param mcp the MCP server's endpoint
   * @param allowPrivate whether the user allowed private addresses, for development
   * @param resolver resolves a name to its addresses (none when it cannot)
   * @param secrets blanks secrets in the messages
   */
  UrlPolicy(
      URI mcp, boolean allowPrivate, Function<String, InetAddress[]> resolver, Secrets secrets) {
    this.allowPrivate = allowPrivate;
    this.resolver = resolver;
    this.secrets = secrets;
    this.mcpLoopback = Hosts.isLoopback(mcp.getHost());
    this.mcpHost = mcp.getHost();
  }

  /** Resolves a name with the JDK; none when it cannot be resolved (the fetch then fails). */
  static InetAddress[] dns(String host) {
    try {
      return InetAddress.getAllByName(host);
    } catch (UnknownHostException | SecurityException e) {
      return new InetAddress[0];
    }
  }

  /**
   * Returns the URL a server named, checked; throws {@link
   * io.github.kimisdk.mcp.McpException.Kind#AUTHORIZATION} saying why when the policy refuses it.
   *
   * @param server the MCP server's name, for messages
   * @param url the URL
   * @param what what the URL is, for messages
   */
  URI check(String server, String url, String what) {
    URI u;
    try {
      u = new URI(url);
    } catch (URISyntaxException e) {
      throw secrets.fail(
          server, "the " + what + " is not a URL: " + ServerText.shown(url, secrets::safe), null);
    }
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    String host = u.getHost();
    boolean loopback = Hosts.isLoopback(host);
    if (host == null
        || u.getRawFragment() != null
        || u.getRawUserInfo() != null
        || !(scheme.equals("https") || (scheme.equals("http") && loopback && mcpLoopback))) {
      throw secrets.fail(
          server,
          "the "
              + what
              + " must be an https URL without user info or a fragment (plain http only on"
              + " loopback, and only when the MCP server is on loopback too): "
              + ServerText.shown(url, secrets::safe),
          null);
    }
    if (!allowPrivate) {
      Reach r = reach(host);
      if (r != Reach.PUBLIC && r != mcpReach()) {
        throw secrets.fail(
            server,
            "the "
                + what
                + " "
                + AuthHttp.show(u)
                + " is "
                + r.label()
                + ", which the MCP server is not on: not fetched (a server may not point the"
                + " client at its own network; McpAuthorization.Builder.allowPrivateAddresses(true)"
                + " allows it for development)",
            null);
      }
    }
    return u;
  }

  private Reach mcpReach() {
    Reach r = mcpReach;
    if (r == null) {
      r = reach(mcpHost);
      mcpReach = r;
    }
    return r;
  }

  /**
   * The kind of address {@code host} is: of its literal, else of the worst address it resolves to.
   */
  Reach reach(String host) {
    if (host == null) {
      return Reach.UNSPECIFIED;
    }
    if (host.equalsIgnoreCase("localhost")) {
      return Reach.LOOPBACK;
    }
    byte[] literal = Hosts.ipLiteral(host);
    if (literal != null) {
      return reach(literal);
    }
    Reach worst = Reach.PUBLIC;
    for (InetAddress a : resolver.apply(host)) {
      Reach r = reach(a.getAddress());
      if (r.compareTo(worst) > 0) {
        worst = r;
      }
    }
    return worst;
  }

  /** The kind of an IPv4 (4 bytes) or IPv6 (16 bytes) address. */
  static Reach reach(byte[] a) {
    if (a.length == 16) {
      boolean mapped = true; // ::ffff:a.b.c.d, or the deprecated ::a.b.c.d
      for (int i = 0; i < 10; i++) {
        mapped &= a[i] == 0;
      }
      boolean v4 =
          mapped
              && ((a[10] == (byte) 0xff && a[11] == (byte) 0xff)
                  || (a[10] == 0 && a[11] == 0 && (a[12] != 0 || a[13] != 0)));
      if (v4) {
        return reach(new byte[] {a[12], a[13], a[14], a[15]});
      }
      int first = a[0] & 0xff;
      int second = a[1] & 0xff;
      boolean zero = true;
      for (int i = 0; i < 15; i++) {
        zero &= a[i] == 0;
      }
      if (zero && a[15] == 1) {
        return Reach.LOOPBACK;
      }
      if (zero && a[15] == 0) {
        return Reach.UNSPECIFIED;
      }
      if (first == 0xff) {
        return Reach.MULTICAST;
      }
      if (first == 0xfe && (second & 0xc0) == 0x80) {
        return Reach.LINK_LOCAL;
      }
      if ((first & 0xfe) == 0xfc || (first == 0xfe && (second & 0xc0) == 0xc0)) {
        return Reach.PRIVATE; // unique local fc00::/7, and the old site-local fec0::/10
      }
      return Reach.PUBLIC;
    }
    int b0 = a[0] & 0xff;
    int b1 = a[1] & 0xff;
    if (b0 == 127) {
      return Reach.LOOPBACK;
    }
    if (b0 == 0) {
      return Reach.UNSPECIFIED; // "this network": 0.0.0.0 reaches the machine itself
    }
    if (b0 == 10 || (b0 == 172 && (b1 & 0xf0) == 16) || (b0 == 192 && b1 == 168)) {
      return Reach.PRIVATE;
    }
    if (b0 == 100 && (b1 & 0xc0) == 64) {
      return Reach.PRIVATE; // shared address space (carrier-grade NAT)
    }
    if (b0 == 169 && b1 == 254) {
      return Reach.LINK_LOCAL; // the cloud metadata services among them
    }
    if (b0 >= 224) {
      return Reach.MULTICAST; // multicast, reserved, broadcast
    }
    return Reach.PUBLIC;
  }
}
