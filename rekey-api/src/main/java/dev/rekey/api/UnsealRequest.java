package dev.rekey.api;

/** {@code POST /v1/sys/unseal}: either one {@code share} or {@code reset=true}. Redacts the share. */
public record UnsealRequest(String share, Boolean reset) {
  public static UnsealRequest ofShare(String share) {
    return new UnsealRequest(share, null);
  }

  public static UnsealRequest resetProgress() {
    return new UnsealRequest(null, Boolean.TRUE);
  }

  @Override
  public String toString() {
    return "UnsealRequest[share=" + (share == null ? "null" : "redacted") + ", reset=" + reset + "]";
  }
}
