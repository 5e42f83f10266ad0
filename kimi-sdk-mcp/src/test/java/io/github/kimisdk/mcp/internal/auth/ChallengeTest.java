package io.github.kimisdk.mcp.internal.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.mcp.internal.rpc.Unauthorized;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChallengeTest {

  @Test
  void wwwAuthenticateParametersAreReadFromTheBearerChallenge() {
    assertThat(
            Challenge.parameters(
                List.of(
                    "Basic realm=\"x\", Bearer error=\"insufficient_scope\", scope=\"a b\","
                        + " resource_metadata=\"https://s.example/.well-known/x\", error_description=\"say \\\"hi\\\"\"")))
        .containsEntry("error", "insufficient_scope")
        .containsEntry("scope", "a b")
        .containsEntry("resource_metadata", "https://s.example/.well-known/x")
        .containsEntry("error_description", "say \"hi\"")
        .doesNotContainKey("realm");
    assertThat(
            Challenge.parameters(List.of("DPoP resource_metadata=\"https://m/x\"", "Basic abc==")))
        .containsEntry("resource_metadata", "https://m/x");
    assertThat(Challenge.parameters(List.of("Bearer realm=x,scope=unquoted")))
        .containsEntry("scope", "unquoted");
    assertThat(Challenge.parameters(List.of("", "garbage ===,,,\""))).isEmpty();
  }

  @Test
  void aRefusalForWantOfScopeNamesItsScopesAndItsMetadata() {
    Challenge c =
        Challenge.read(
            new Unauthorized(
                401,
                List.of(
                    "Bearer error=\"insufficient_scope\", scope=\"files:read  files:write\","
                        + " resource_metadata=\"https://m.example/.well-known/oauth-protected-resource\""),
                null,
                7));
    assertThat(c.insufficientScope()).isTrue();
    assertThat(c.scopes()).containsExactly("files:read", "files:write");
    assertThat(c.resourceMetadata())
        .isEqualTo("https://m.example/.well-known/oauth-protected-resource");
    assertThat(c.grant()).isEqualTo(7);
    assertThat(Challenge.read(new Unauthorized(403, List.of(), null, 0)).insufficientScope())
        .as("a 403 is a refusal for want of scope, whatever it says")
        .isTrue();
    assertThat(Challenge.read(new Unauthorized(401, List.of("Bearer"), null, 0)).scopes())
        .isEmpty();
  }
}
