package io.github.kimisdk.mcp.internal.http;

/** What an HTTP status of an MCP server means to the person reading the failure. */
final class Statuses {

  private Statuses() {}

  /** A hint after {@code "answered with HTTP <status>"}; empty when the status says it all. */
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
}
