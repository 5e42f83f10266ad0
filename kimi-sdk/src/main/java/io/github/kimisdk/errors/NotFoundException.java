package io.github.kimisdk.errors;

/**
 * The model or path does not exist, or the key may not use it (HTTP 404, {@code
 * resource_not_found_error}). List the models the key can use with {@code GET /models}.
 */
public final class NotFoundException extends ApiException {

  private static final long serialVersionUID = 1L;

  NotFoundException(ApiError e) {
    super(e);
  }
}
