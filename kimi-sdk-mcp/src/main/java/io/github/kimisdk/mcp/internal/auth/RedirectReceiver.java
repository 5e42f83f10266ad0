package io.github.kimisdk.mcp.internal.auth;

import java.net.URI;
import java.time.Duration;

/**
 * The library's own ways of receiving an authorization's redirect, behind {@code
 * McpUserAgent.loopback} and {@code McpUserAgent.headless}, which hand them to the client as user
 * agents.
 */
public interface RedirectReceiver {

  /**
   * Returns where the authorization server sends the browser back to.
   *
   * @return an absolute URI
   */
  String redirectUri();

  /**
   * Has the authorization approved, and returns the redirect.
   *
   * @param authorizationUrl the authorization server's URL with the request in its query
   * @param timeout how long it may take
   * @return the redirect with the server's answer in its query
   * @throws InterruptedException if interrupted while waiting
   */
  URI authorize(URI authorizationUrl, Duration timeout) throws InterruptedException;
}
