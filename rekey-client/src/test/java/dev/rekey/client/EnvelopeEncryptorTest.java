package dev.rekey.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rekey.api.ErrorCode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EnvelopeEncryptorTest {
  private static final byte[] MESSAGE = "card 4111 1111 1111 1111".getBytes(StandardCharsets.UTF_8);
  private static final byte[] CONTEXT = "tenant=42".getBytes(StandardCharsets.UTF_8);

  /** A clock tests move by hand. */
  static final class MutableClock extends Clock {
    private Instant now = Instant.parse("2026-11-22T10:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }

  private FakeRekeyServer server;
  private RekeyClient client;
  private final MutableClock clock = new MutableClock();

  @BeforeEach
  void start() throws IOException {
    server = new FakeRekeyServer();
    new FakeKms(server);
    client = RekeyClient.builder().address(server.address()).token("rk_t").build();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private EnvelopeEncryptor.Builder envelopes() {
    return EnvelopeEncryptor.builder(client, "orders").clock(clock);
  }

  private int dataKeyCalls() {
    return server.count("POST", FakeKms.DATAKEY);
  }

  private int decryptCalls() {
    return server.count("POST", FakeKms.DECRYPT);
  }

  @Test
  void encryptDecrypt_withContext_roundTrips() {
    try (EnvelopeEncryptor envelope = envelopes().build()) {
      byte[] sealed = envelope.encrypt(MESSAGE, CONTEXT);

      assertThat(envelope.decrypt(sealed, CONTEXT)).isEqualTo(MESSAGE);
    }
  }

  @Test
  void encryptDecrypt_noCacheAndEmptyMessage_roundTrips() {
    EnvelopeEncryptor first = envelopes().noCache().build();
    EnvelopeEncryptor second = envelopes().noCache().build();

    byte[] sealed = first.encrypt(new byte[0], null);

    assertThat(second.decrypt(sealed, new byte[0])).isEmpty();
    assertThat(server.requests()).allSatisfy(r -> assertThat(r.body()).doesNotContain("context"));
  }

  @Test
  void encrypt_envelope_hasDocumentedLayout() {
    byte[] sealed = envelopes().build().encrypt(MESSAGE, CONTEXT);

    ByteBuffer in = ByteBuffer.wrap(sealed);
    byte[] magic = new byte[4];
    in.get(magic);
    assertThat(new String(magic, StandardCharsets.US_ASCII)).isEqualTo("RKEV");
    assertThat(in.get()).isEqualTo((byte) 1);
    int wrappedLength = in.getShort();
    byte[] wrapped = new byte[wrappedLength];
    in.get(wrapped);
    assertThat(new String(wrapped, StandardCharsets.US_ASCII)).startsWith("rekey:v1:")
        .isEqualTo(EnvelopeEncryptor.wrappedKeyOf(sealed));
    assertThat(in.remaining()).isEqualTo(12 + MESSAGE.length + 16);
  }

  @Test
  void encrypt_sameInputTwice_differentNonces() {
    EnvelopeEncryptor envelope = envelopes().build();

    byte[] a = envelope.encrypt(MESSAGE, CONTEXT);
    byte[] b = envelope.encrypt(MESSAGE, CONTEXT);

    assertThat(EnvelopeEncryptor.wrappedKeyOf(a)).isEqualTo(EnvelopeEncryptor.wrappedKeyOf(b));
    assertThat(a).isNotEqualTo(b);
  }

  @Test
  void decrypt_wrongContext_failsGenerically() {
    EnvelopeEncryptor envelope = envelopes().build();
    byte[] sealed = envelope.encrypt(MESSAGE, CONTEXT);

    assertThatThrownBy(() -> envelope.decrypt(sealed, "tenant=43".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOfSatisfying(RekeyClientException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.DECRYPTION_FAILED));
  }

  @Test
  void decrypt_anyFlippedByte_failsWithDecryptionFailed() {
    EnvelopeEncryptor envelope = envelopes().build();
    byte[] sealed = envelope.encrypt(MESSAGE, CONTEXT);

    for (int i = 0; i < sealed.length; i++) {
      byte[] tampered = sealed.clone();
      tampered[i] ^= 0x01;
      assertThatThrownBy(() -> envelope.decrypt(tampered, CONTEXT))
          .as("flipped byte %d", i)
          .isInstanceOfSatisfying(RekeyClientException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.DECRYPTION_FAILED));
    }
  }

  @Test
  void decrypt_truncatedOrGarbage_failsWithDecryptionFailed() {
    EnvelopeEncryptor envelope = envelopes().build();
    byte[] sealed = envelope.encrypt(MESSAGE, CONTEXT);

    for (int length : new int[] {0, 3, 7, 20, sealed.length - 17, sealed.length - 1}) {
      byte[] truncated = Arrays.copyOf(sealed, length);
      assertThatThrownBy(() -> envelope.decrypt(truncated, CONTEXT))
          .isInstanceOfSatisfying(RekeyClientException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.DECRYPTION_FAILED));
    }
    assertThatThrownBy(() -> envelope.decrypt("RKEV\1\377\377".getBytes(StandardCharsets.ISO_8859_1), CONTEXT))
        .isInstanceOf(RekeyClientException.class);
  }

  @Test
  void encrypt_maxMessagesThree_sevenMessagesUseThreeDataKeys() {
    EnvelopeEncryptor envelope = envelopes().maxMessagesPerDataKey(3).build();

    for (int i = 0; i < 7; i++) {
      envelope.encrypt(MESSAGE, CONTEXT);
    }

    assertThat(dataKeyCalls()).isEqualTo(3);
  }

  @Test
  void encrypt_maxAgePassed_fetchesNewDataKey() {
    EnvelopeEncryptor envelope = envelopes().maxAge(Duration.ofMinutes(1)).build();

    envelope.encrypt(MESSAGE, CONTEXT);
    clock.advance(Duration.ofSeconds(59));
    envelope.encrypt(MESSAGE, CONTEXT);
    assertThat(dataKeyCalls()).isEqualTo(1);
    clock.advance(Duration.ofSeconds(1));
    envelope.encrypt(MESSAGE, CONTEXT);

    assertThat(dataKeyCalls()).isEqualTo(2);
  }

  @Test
  void encrypt_contextsBeyondMaxEntries_evictLeastRecentlyUsed() {
    EnvelopeEncryptor envelope = envelopes().maxEntries(2).build();
    byte[] a = {'a'};
    byte[] b = {'b'};
    byte[] c = {'c'};

    envelope.encrypt(MESSAGE, a);
    envelope.encrypt(MESSAGE, b);
    envelope.encrypt(MESSAGE, a);
    envelope.encrypt(MESSAGE, c);
    assertThat(dataKeyCalls()).isEqualTo(3);
    envelope.encrypt(MESSAGE, a);
    assertThat(dataKeyCalls()).isEqualTo(3);
    envelope.encrypt(MESSAGE, b);

    assertThat(dataKeyCalls()).isEqualTo(4);
  }

  @Test
  void encrypt_noCache_callsServerEveryTime() {
    EnvelopeEncryptor envelope = envelopes().noCache().build();

    for (int i = 0; i < 4; i++) {
      envelope.encrypt(MESSAGE, CONTEXT);
    }

    assertThat(dataKeyCalls()).isEqualTo(4);
    assertThat(envelope.cachedKeys()).isZero();
  }

  @Test
  void decrypt_sameWrappedKeyRepeatedly_unwrapsOnce() {
    EnvelopeEncryptor writer = envelopes().build();
    EnvelopeEncryptor reader = envelopes().build();
    byte[] first = writer.encrypt(MESSAGE, CONTEXT);
    byte[] second = writer.encrypt(MESSAGE, CONTEXT);

    for (int i = 0; i < 5; i++) {
      assertThat(reader.decrypt(first, CONTEXT)).isEqualTo(MESSAGE);
      assertThat(reader.decrypt(second, CONTEXT)).isEqualTo(MESSAGE);
    }

    assertThat(decryptCalls()).isEqualTo(1);
  }

  @Test
  void decrypt_afterMaxAgeOrClose_unwrapsAgain() {
    EnvelopeEncryptor reader = envelopes().maxAge(Duration.ofSeconds(10)).build();
    byte[] sealed = envelopes().build().encrypt(MESSAGE, CONTEXT);

    reader.decrypt(sealed, CONTEXT);
    clock.advance(Duration.ofSeconds(10));
    reader.decrypt(sealed, CONTEXT);
    assertThat(decryptCalls()).isEqualTo(2);
    reader.close();
    reader.decrypt(sealed, CONTEXT);

    assertThat(decryptCalls()).isEqualTo(3);
  }

  @Test
  void decrypt_sameWrappedKeyOtherContext_doesNotUseCachedKey() {
    EnvelopeEncryptor envelope = envelopes().build();
    byte[] sealed = envelope.encrypt(MESSAGE, CONTEXT);
    envelope.decrypt(sealed, CONTEXT);

    assertThatThrownBy(() -> envelope.decrypt(sealed, new byte[] {1}))
        .isInstanceOf(RekeyClientException.class);
    assertThat(decryptCalls()).isEqualTo(2);
  }

  @Test
  void toString_containsNoKeyMaterial() {
    EnvelopeEncryptor envelope = envelopes().build();
    envelope.encrypt(MESSAGE, CONTEXT);

    assertThat(envelope.toString()).isEqualTo("EnvelopeEncryptor[key=orders, namespace=default]");
  }

  @Test
  void builder_invalidLimits_throw() {
    assertThatThrownBy(() -> envelopes().maxMessagesPerDataKey(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> envelopes().maxAge(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> envelopes().maxEntries(-1)).isInstanceOf(IllegalArgumentException.class);
  }
}
