package dev.rekey.core.secret.rotation;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.rekey.core.RekeyException;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Two keys that are both valid, rotated alternately (the pattern of storage-account and
 * service-bus keys): the value is {@code {"active":"key1","key1":"...","key2":"..."}}. Each
 * rotation regenerates the key that is not active and makes it the active one, so the key
 * clients took from the previous CURRENT stays valid until the rotation after next. A first
 * rotation of a plain value creates both keys. Parameters as {@link GeneratedRotator}.
 */
public final class DualKeyRotator implements SecretRotator {
  public static final String TYPE = "dual-key";

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public void validate(Map<String, String> params) {
    GeneratedRotator.length(params);
    GeneratedRotator.charset(params);
  }

  @Override
  public byte[] create(Input in) {
    String alphabet = GeneratedRotator.charset(in.params());
    int length = GeneratedRotator.length(in.params());
    Map<String, Object> doc = parse(in.current());
    Map<String, Object> next = new LinkedHashMap<>();
    if (doc == null) {
      next.put("active", "key1");
      next.put("key1", GeneratedRotator.generate(alphabet, length));
      next.put("key2", GeneratedRotator.generate(alphabet, length));
    } else {
      String regenerate = "key1".equals(doc.get("active")) ? "key2" : "key1";
      next.put("active", regenerate);
      next.put("key1", regenerate.equals("key1") ? GeneratedRotator.generate(alphabet, length) : doc.get("key1"));
      next.put("key2", regenerate.equals("key2") ? GeneratedRotator.generate(alphabet, length) : doc.get("key2"));
    }
    return JSONObjectUtils.toJSONString(next).getBytes(StandardCharsets.UTF_8);
  }

  /** The dual-key document in {@code value}, or null when it is not one. */
  public static Map<String, Object> parse(byte[] value) {
    try {
      Map<String, Object> doc = JSONObjectUtils.parse(new String(value, StandardCharsets.UTF_8));
      Object active = doc.get("active");
      if (("key1".equals(active) || "key2".equals(active)) && doc.get("key1") instanceof String
          && doc.get("key2") instanceof String) {
        return doc;
      }
      return null;
    } catch (ParseException e) {
      return null;
    }
  }

  /** The active key of a dual-key value. */
  public static String activeKey(byte[] value) {
    Map<String, Object> doc = parse(value);
    if (doc == null) {
      throw RekeyException.invalid("not a dual-key value");
    }
    return (String) doc.get(doc.get("active"));
  }
}
