package dev.rekey.server.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The OpenAPI 3 document of the v1 API, served at {@code GET /v1/openapi.json}. */
public final class OpenApiDocument {
  public static final String RESOURCE = "/dev/rekey/server/openapi.json";

  private OpenApiDocument() {}

  public static byte[] bytes() {
    try (InputStream in = OpenApiDocument.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("the OpenAPI document " + RESOURCE + " is missing from the build");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
