package com.example.ui.spring;

import java.security.Principal;

/**
 * Who sent a request, as the server's authentication says: with Spring Security, the principal's
 * name. The chat never reads the person from the body. This demo, without a login, has one person.
 */
final class Identity {
  private Identity() {}

  static String of(Principal principal) {
    return principal != null ? principal.getName() : "demo@example.com";
  }
}
