package io.github.kimisdk.testing;

import io.github.kimisdk.WireProtocol;

/**
 * Kimi's own surface: {@code POST /v1/chat/completions}, answered in the server's {@link
 * FakeDialect} (as sent, in Moonshot's), and every endpoint no other surface claims (files,
 * batches, models, the tokenizer, Kimi Code's and the formulas'), answered by the platform, the
 * services and the model in that order; {@code GET /v1/models} lists the dialect's model ids.
 */
final class ChatSurface implements FakeSurface {

  static final ChatSurface INSTANCE = new ChatSurface();

  private ChatSurface() {}

  @Override
  public WireProtocol protocol() {
    return WireProtocol.CHAT_COMPLETIONS;
  }

  @Override
  public boolean claims(RecordedRequest request) {
    return request.method().equals("POST")
        && FakeSurface.path(request).equals("/v1/chat/completions");
  }

  @Override
  public FakeResponse answer(RecordedRequest request, FakeResponse given, Backend backend) {
    FakeDialect dialect = backend.dialect();
    if (claims(request)) {
      return dialect.answerChat(request, given, backend);
    }
    if (dialect != FakeDialect.MOONSHOT
        && request.method().equals("GET")
        && FakeSurface.path(request).equals("/v1/models")) {
      return dialect.models(request, given, backend);
    }
    return FakeSurface.asSent(request, given, backend, backend::endpoints);
  }
}
