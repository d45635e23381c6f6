package dev.rekey.core.secret.rotation;

import dev.rekey.core.RekeyException;
import dev.rekey.core.crypto.Randomness;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Map;

/**
 * Passwords and API keys drawn uniformly from a charset with the JDK's SecureRandom. Parameters:
 * {@code length} (8 to 4096, default 32), {@code charset} ({@code alphanumeric} (default),
 * {@code printable}, {@code hex}, {@code base64url}), an optional {@code prefix} such as
 * {@code sk_live_} and an optional {@code ttl} (see {@link RotationConfig#ttl}). Nothing to set or
 * test outside Rekey.
 */
public final class GeneratedRotator implements SecretRotator {
  public static final String TYPE = "generated";
  static final String ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  /** Printable ASCII without space, quotes, backslash and backtick, so values survive shells and URLs. */
  static final String PRINTABLE = ALPHANUMERIC + "!#$%&()*+,-./:;<=>?@[]^_{|}~";
  static final String HEX = "0123456789abcdef";
  static final String BASE64URL = ALPHANUMERIC + "-_";

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public void validate(Map<String, String> params) {
    length(params);
    charset(params);
    RotationConfig.ttl(params);
  }

  @Override
  public byte[] create(Input in) {
    return (in.param("prefix", "") + generate(charset(in.params()), length(in.params())))
        .getBytes(StandardCharsets.UTF_8);
  }

  /** {@code length} characters drawn uniformly from {@code alphabet}. */
  public static String generate(String alphabet, int length) {
    SecureRandom random = Randomness.get();
    StringBuilder b = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      b.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return b.toString();
  }

  static int length(Map<String, String> params) {
    String v = params.getOrDefault("length", "32");
    try {
      int n = Integer.parseInt(v);
      if (n >= 8 && n <= 4096) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw RekeyException.invalid("rotation parameter 'length' must be a number from 8 to 4096, got '" + v + "'");
  }

  static String charset(Map<String, String> params) {
    String name = params.getOrDefault("charset", "alphanumeric");
    return switch (name) {
      case "alphanumeric" -> ALPHANUMERIC;
      case "printable" -> PRINTABLE;
      case "hex" -> HEX;
      case "base64url" -> BASE64URL;
      default -> throw RekeyException.invalid("rotation parameter 'charset' must be alphanumeric, printable, hex or"
          + " base64url, got '" + name + "'");
    };
  }
}
