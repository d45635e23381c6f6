package dev.rekey.core.webhook;

/**
 * What one attempt ended with: an HTTP status (null when there was none: timeout, refused
 * connection) and, on failure, a short reason without any response body.
 */
public record DeliveryOutcome(Integer status, String error) {
  public static DeliveryOutcome answered(int status) {
    return new DeliveryOutcome(status, status >= 200 && status < 300 ? null : "HTTP " + status);
  }

  public static DeliveryOutcome failed(String reason) {
    return new DeliveryOutcome(null, reason.length() > 200 ? reason.substring(0, 200) : reason);
  }

  public boolean success() {
    return status != null && status >= 200 && status < 300;
  }
}
