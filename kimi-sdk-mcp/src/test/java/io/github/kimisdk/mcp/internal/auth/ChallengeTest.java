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

  @Test
  void everySchemeOfferedIsKnownWithItsOwnParameters() {
    Challenge c =
        Challenge.read(
            new Unauthorized(
                401,
                List.of(
                    "Bearer error=\"invalid_token\", DPoP algs=\"ES256 PS256\", error=\"use_dpop_nonce\"",
                    "dpop error=\"later\""),
                "n-1",
                0));
    assertThat(c.offers("bearer")).isTrue();
    assertThat(c.offers("dpop")).isTrue();
    assertThat(c.offers("basic")).isFalse();
    assertThat(c.parameters()).containsEntry("error", "invalid_token");
    assertThat(c.schemes().get("dpop"))
        .as("the first DPoP challenge")
        .containsEntry("algs", "ES256 PS256")
        .containsEntry("error", "use_dpop_nonce");
    assertThat(c.dpopNonceAsked()).isTrue();
    assertThat(c.dpopNonce()).isEqualTo("n-1");
    assertThat(Challenge.challenges(java.util.Collections.nCopies(40, "S1, S2 a=b"))).hasSize(2);
  }
}
