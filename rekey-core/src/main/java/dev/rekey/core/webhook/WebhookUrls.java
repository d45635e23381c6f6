package dev.rekey.core.webhook;

import dev.rekey.core.RekeyException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/** Validation of subscription URLs: absolute http or https, with a host, no credentials, no fragment. */
public final class WebhookUrls {
  static final int MAX_LENGTH = 2048;

  private WebhookUrls() {}

  /** The URL when it is usable; INVALID_REQUEST naming field 'url' otherwise. */
  public static String check(String url) {
    return check(url, "url");
  }

  /** The URL when it is usable; INVALID_REQUEST naming {@code field} otherwise. */
  public static String check(String url, String field) {
    String f = "field '" + field + "'";
    if (url == null || url.isBlank()) {
      throw RekeyException.invalid(f + " is required");
    }
    if (url.length() > MAX_LENGTH) {
      throw RekeyException.invalid(f + " is longer than " + MAX_LENGTH + " characters");
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw RekeyException.invalid(f + " is not a valid URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw RekeyException.invalid(f + " must be an http:// or https:// URL");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw RekeyException.invalid(f + " must name a host");
    }
    if (uri.getPort() != -1 && (uri.getPort() < 1 || uri.getPort() > 65535)) {
      throw RekeyException.invalid(f + " has port " + uri.getPort() + "; a port is from 1 to 65535");
    }
    if (uri.getRawUserInfo() != null) {
      throw RekeyException.invalid(f + " must not contain credentials; authenticate receivers by the signature");
    }
    if (uri.getRawFragment() != null) {
      throw RekeyException.invalid(f + " must not have a fragment");
    }
    return url;
  }

  /** As {@link #check(String, String)}, and INVALID_REQUEST when {@code guard} refuses its host. */
  public static String check(String url, String field, dev.rekey.core.port.DestinationGuard guard) {
    String checked = check(url, field);
    String refused = guard.refusal(URI.create(checked).getHost());
    if (refused != null) {
      throw RekeyException.invalid("field '" + field + "': " + refused);
    }
    return checked;
  }
}
