package io.github.kimisdk.mcp.internal.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

/** Which redirects a code is taken from: those to the redirect URI, a row per way to differ. */
class GrantTest {

  private static final String[][] TABLE = {
    // redirect URI, where the user agent says the browser went, same endpoint?
    {"http://127.0.0.1:3000/callback", "http://127.0.0.1:3000/callback?code=c&state=s", "true"},
    {"http://localhost:3000/callback", "HTTP://LOCALHOST:3000/callback?code=c", "true"},
    {"https://app.example.com/cb", "https://app.example.com:443/cb?code=c", "true"},
    {"https://app.example.com/cb?tenant=1", "https://app.example.com/cb?tenant=1&code=c", "true"},
    {"com.example.app:/oauth", "com.example.app:/oauth?code=c", "true"},
    {"http://127.0.0.1:3000/callback", "http://127.0.0.1:3001/callback?code=c", "false"},
    {"http://127.0.0.1:3000/callback", "http://127.0.0.1:3000/Callback?code=c", "false"},
    {"http://127.0.0.1:3000/callback", "http://127.0.0.1:3000/callback/x?code=c", "false"},
    {"http://127.0.0.1:3000/callback", "https://127.0.0.1:3000/callback?code=c", "false"},
    {"http://127.0.0.1:3000/callback", "http://127.0.0.2:3000/callback?code=c", "false"},
    {"http://127.0.0.1:3000/callback", "http://evil@127.0.0.1:3000/callback?code=c", "false"},
    {"https://app.example.com/cb", "https://app.example.com.evil.example/cb?code=c", "false"},
    {"com.example.app:/oauth", "com.evil.app:/oauth?code=c", "false"},
    {"com.example.app:/oauth", "https://app.example.com/oauth?code=c", "false"},
  };

  @Test
  void aCodeIsTakenOnlyFromARedirectToTheRedirectUri() {
    for (String[] row : TABLE) {
      assertThat(Grant.sameEndpoint(URI.create(row[1]), row[0]))
          .as("%s back from %s", row[1], row[0])
          .isEqualTo(Boolean.parseBoolean(row[2]));
    }
  }
}
