package dev.rekey.core.root;

import dev.rekey.core.RekeyException;
import dev.rekey.core.crypto.AesGcm;
import dev.rekey.core.crypto.Randomness;
import dev.rekey.core.crypto.SecretAccess;
import dev.rekey.core.crypto.SecretBytes;
import dev.rekey.core.key.WrappedKey;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The root keys: AES-256 generations, the newest of which wraps new material. Older generations
 * stay until nothing is wrapped by them any more (root key rotation re-wraps and then drops them).
 * The keyring itself is stored only sealed by a {@link Seal}. Immutable.
 */
public final class RootKeyring {
  private static final byte[] MAGIC = "RKR1".getBytes(StandardCharsets.US_ASCII);
  private static final int KEY_LENGTH = 32;

  private final Map<String, Generation> generations;
  private final String currentId;
  /** Where a newer keyring comes from when material names a generation this one lacks; may be null. */
  private final Function<String, RootKeyring> newer;

  private record Generation(String id, SecretKey key, Instant createdAt) {
    @Override
    public String toString() {
      return "Generation[" + id + "]";
    }
  }

  private RootKeyring(Map<String, Generation> generations, String currentId) {
    this(generations, currentId, null);
  }

  private RootKeyring(Map<String, Generation> generations, String currentId, Function<String, RootKeyring> newer) {
    this.generations = generations;
    this.currentId = currentId;
    this.newer = newer;
  }

  /** This keyring without the re-read: material under a generation it lacks is DECRYPTION_FAILED. */
  RootKeyring pinned() {
    return new RootKeyring(generations, currentId, null);
  }

  /**
   * This keyring, asking {@code newer} for the node's newest one when material names a generation
   * it lacks: another node may have rotated the root key and stored material under the new
   * generation before this node re-read the keyring. {@code newer} is given the generation asked
   * for and returns null when it has no keyring to offer.
   */
  RootKeyring refreshingFrom(Function<String, RootKeyring> newer) {
    return new RootKeyring(generations, currentId, newer);
  }

  /** A keyring with one freshly generated root key. */
  public static RootKeyring generate(Instant now) {
    return new RootKeyring(new LinkedHashMap<>(), null).withNewGeneration(now);
  }

  /** Adds a freshly generated root key and makes it current. */
  public RootKeyring withNewGeneration(Instant now) {
    Map<String, Generation> next = new LinkedHashMap<>(generations);
    String id = "root-" + HexFormat.of().formatHex(Randomness.bytes(8));
    next.put(id, new Generation(id, new SecretKeySpec(Randomness.bytes(KEY_LENGTH), "AES"), now));
    return new RootKeyring(next, id);
  }

  /** Drops every generation except the current one (after all material was re-wrapped). */
  public RootKeyring withoutOldGenerations() {
    Map<String, Generation> next = new LinkedHashMap<>();
    next.put(currentId, generations.get(currentId));
    return new RootKeyring(next, currentId);
  }

  public String currentId() {
    return currentId;
  }

  public List<String> generationIds() {
    return new ArrayList<>(generations.keySet());
  }

  /** Wraps material under the current root key, bound to {@code binding} (see {@link MaterialBinding}). */
  public WrappedKey wrap(SecretBytes material, byte[] binding) {
    SecretKey k = generations.get(currentId).key();
    return new WrappedKey(AesGcm.encrypt(k, material.reveal(SecretAccess.get()), binding), currentId);
  }

  /**
   * Unwraps material; a wrong binding, a tampered blob or an unknown generation is
   * DECRYPTION_FAILED. An unknown generation first re-reads the stored keyring, when this one was
   * installed by a {@link RootOfTrust}: the material may be newer than this node's copy.
   */
  public SecretBytes unwrap(WrappedKey wrapped, byte[] binding) {
    Generation g = generations.get(wrapped.rootKeyId());
    if (g == null) {
      RootKeyring next = newer == null ? null : newer.apply(wrapped.rootKeyId());
      if (next != null && next != this && next.generations.containsKey(wrapped.rootKeyId())) {
        return next.unwrap(wrapped, binding);
      }
      throw RekeyException.decryptionFailed();
    }
    return SecretBytes.wrap(AesGcm.decrypt(g.key(), wrapped.ciphertext(), binding));
  }

  /** Serialized form, to be sealed. The result is secret: wrap it in SecretBytes at once. */
  public SecretBytes serialize() {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.write(MAGIC);
      out.writeUTF(currentId);
      out.writeInt(generations.size());
      for (Generation g : generations.values()) {
        out.writeUTF(g.id());
        out.write(g.key().getEncoded());
        out.writeLong(g.createdAt().toEpochMilli());
      }
      return SecretBytes.wrap(bytes.toByteArray());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public static RootKeyring deserialize(SecretBytes serialized) {
    try {
      DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(serialized.reveal(SecretAccess.get())));
      byte[] magic = in.readNBytes(MAGIC.length);
      if (!java.util.Arrays.equals(magic, MAGIC)) {
        throw new IllegalStateException("not a root keyring");
      }
      String current = in.readUTF();
      int n = in.readInt();
      Map<String, Generation> gens = new LinkedHashMap<>();
      for (int i = 0; i < n; i++) {
        String id = in.readUTF();
        byte[] key = in.readNBytes(KEY_LENGTH);
        Instant created = Instant.ofEpochMilli(in.readLong());
        gens.put(id, new Generation(id, new SecretKeySpec(key, "AES"), created));
        java.util.Arrays.fill(key, (byte) 0);
      }
      if (!gens.containsKey(current)) {
        throw new IllegalStateException("root keyring has no current generation");
      }
      return new RootKeyring(gens, current);
    } catch (IOException e) {
      throw new IllegalStateException("corrupt root keyring", e);
    }
  }

  @Override
  public String toString() {
    return "RootKeyring[current=" + currentId + ", generations=" + generations.keySet() + "]";
  }
}
