package dev.rekey.server.http;

/** A status and a body to send; handlers return a plain body for 200. */
public record Reply(int status, Object body) {
  public static Reply created(Object body) {
    return new Reply(201, body);
  }

  public static Reply noContent() {
    return new Reply(204, null);
  }
}
