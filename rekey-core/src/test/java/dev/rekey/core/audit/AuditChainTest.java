package dev.rekey.core.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rekey.core.crypto.Hex;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuditChainTest {
  private static final Instant T = Instant.parse("2024-01-02T03:04:05.123456Z");
  private static final AuditEvent E7 = new AuditEvent(T, "req-1", "alice", null, "key.encrypt", "payments", "card-kek",
      3, "allowed", null, "", "ctx=hmac-sha256:00 \u00e9");
  private static final AuditEvent E8 = new AuditEvent(T, "req-2", "alice", null, "key.decrypt", "payments", "card-kek",
      0, "denied", "forbidden", null, null);

  // Known-answer vectors, computed by an independent implementation of the documented encoding.
  private static final String CANONICAL_7 = "010000001572656b65792e61756469742e7265636f72642e7631"
      + "0000000000000007" + "0000000065937d25" + "075bca00"
      + "01000000057265712d31" + "0100000005616c696365" + "00" + "010000000b6b65792e656e6372797074"
      + "01000000087061796d656e7473" + "0100000008636172642d6b656b" + "00000003"
      + "0100000007616c6c6f776564" + "00" + "0100000000"
      + "01000000156374783d686d61632d7368613235363a303020c3a9";
  private static final String HASH_7 = "4b488e9ecf9833c3f7551465b0bf2be4c796002793655c35ecbb4a728b0fc110";
  private static final String HASH_8 = "8ec5c606238bdab7487fe266c02b74290161363a63951eda91380248be7508e4";
  private static final String CHECKPOINT_8 = "010000001972656b65792e61756469742e636865636b706f696e742e7631"
      + "0000000000000008" + "0100000040" + Hex.encode("ab".repeat(32).getBytes(java.nio.charset.StandardCharsets.US_ASCII))
      + "0000000065937d25075bca00" + "0100000018656432353531393a30303131323233333434353536363737";

  @Test
  void canonical_knownAnswer_isFrozen() {
    assertThat(Hex.encode(AuditChain.canonical(7, E7))).isEqualTo(CANONICAL_7);
  }

  @Test
  void hash_knownAnswer_isFrozen() {
    assertThat(AuditChain.hash(ChainHead.GENESIS_HASH, 7, E7)).isEqualTo(HASH_7);
    assertThat(AuditChain.hash(HASH_7, 8, E8)).isEqualTo(HASH_8);
  }

  @Test
  void checkpointBytes_knownAnswer_isFrozen() {
    assertThat(Hex.encode(AuditChain.checkpointBytes(8, "ab".repeat(32), T, "ed25519:0011223344556677")))
        .isEqualTo(CHECKPOINT_8);
  }

  @Test
  void chain_fromHead_continuesSeqAndLinksHashes() {
    List<AuditRecord> records = AuditChain.INSTANCE.chain(new ChainHead(6, ChainHead.GENESIS_HASH), List.of(E7, E8));

    assertThat(records).extracting(AuditRecord::seq).containsExactly(7L, 8L);
    assertThat(records.get(0).prevHash()).isEqualTo(ChainHead.GENESIS_HASH);
    assertThat(records.get(0).hash()).isEqualTo(HASH_7);
    assertThat(records.get(1).prevHash()).isEqualTo(HASH_7);
    assertThat(records.get(1).hash()).isEqualTo(HASH_8);
  }

  @Test
  void chain_sameInput_sameOutput() {
    List<AuditEvent> events = List.of(AuditFixtures.event(1), AuditFixtures.event(2), AuditFixtures.event(3));
    assertThat(AuditChain.INSTANCE.chain(ChainHead.EMPTY, events))
        .isEqualTo(AuditChain.INSTANCE.chain(ChainHead.EMPTY, events));
  }

  @Test
  void canonical_nullAndEmpty_differ() {
    AuditEvent withNull = new AuditEvent(T, null, "p", null, "a", null, null, 0, "allowed", null, null, null);
    AuditEvent withEmpty = new AuditEvent(T, "", "p", null, "a", null, null, 0, "allowed", null, null, null);
    assertThat(AuditChain.canonical(1, withNull)).isNotEqualTo(AuditChain.canonical(1, withEmpty));
  }

  @Test
  void canonical_textMovedBetweenFields_differs() {
    AuditEvent a = new AuditEvent(T, "r", "ab", "c", "x", null, null, 0, "allowed", null, null, null);
    AuditEvent b = new AuditEvent(T, "r", "a", "bc", "x", null, null, 0, "allowed", null, null, null);
    assertThat(AuditChain.canonical(1, a)).isNotEqualTo(AuditChain.canonical(1, b));
  }

  @Test
  void hash_differentSeq_differs() {
    assertThat(AuditChain.hash(ChainHead.GENESIS_HASH, 1, E7)).isNotEqualTo(AuditChain.hash(ChainHead.GENESIS_HASH, 2, E7));
  }

  @Test
  void normalize_subMicrosecondTime_truncates() {
    AuditEvent e = new AuditEvent(Instant.parse("2024-01-02T03:04:05.123456789Z"), null, null, null, "a", null, null, 0,
        "allowed", null, null, null);
    assertThat(AuditChain.normalize(e).time()).isEqualTo(Instant.parse("2024-01-02T03:04:05.123456Z"));
  }

  @Test
  void normalize_normalEvent_returnsSameInstance() {
    assertThat(AuditChain.normalize(E7)).isSameAs(E7);
  }

  @Test
  void normalize_unpairedSurrogate_becomesReplacementCharacter() {
    AuditEvent e = new AuditEvent(T, "x\uD800y", null, null, "a", null, null, 0, "allowed", null, null, "\uD83D\uDE00");
    AuditEvent n = AuditChain.normalize(e);
    assertThat(n.requestId()).isEqualTo("x\uFFFDy");
    assertThat(n.details()).isEqualTo("\uD83D\uDE00");
  }

  @Test
  void canonical_unpairedSurrogate_throws() {
    AuditEvent e = new AuditEvent(T, "x\uDC00", null, null, "a", null, null, 0, "allowed", null, null, null);
    assertThatThrownBy(() -> AuditChain.canonical(1, e)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void chain_unnormalizedEvent_storesNormalizedEvent() {
    AuditEvent e = new AuditEvent(T.plusNanos(999), "x\uD800", null, null, "a", null, null, 0, "allowed", null, null, null);
    AuditRecord r = AuditChain.INSTANCE.chain(ChainHead.EMPTY, List.of(e)).get(0);
    assertThat(r.event()).isEqualTo(AuditChain.normalize(e));
    assertThat(AuditChain.recompute(r)).isEqualTo(r.hash());
  }

  @Test
  void decodeCanonical_knownAnswer_givesBackSeqAndEvent() {
    byte[] bytes = Hex.decode(CANONICAL_7);

    assertThat(AuditChain.decodeCanonical(bytes, 0, bytes.length)).isEqualTo(new AuditChain.Decoded(7, E7));
  }

  @Test
  void decodeCanonical_atAnOffset_readsOnlyThatRange() {
    byte[] record = AuditChain.canonical(8, E8);
    byte[] framed = new byte[record.length + 10];
    System.arraycopy(record, 0, framed, 3, record.length);

    assertThat(AuditChain.decodeCanonical(framed, 3, record.length)).isEqualTo(new AuditChain.Decoded(8, E8));
  }

  @Test
  void decodeCanonical_damagedBytes_throwOnlyIllegalArgument() {
    byte[] good = AuditChain.canonical(7, E7);
    java.util.Random random = new java.util.Random(7);
    for (int i = 0; i < 20_000; i++) {
      byte[] damaged = java.util.Arrays.copyOf(good, random.nextInt(good.length + 4));
      int flips = 1 + random.nextInt(3);
      for (int f = 0; f < flips && damaged.length > 0; f++) {
        damaged[random.nextInt(damaged.length)] ^= (byte) (1 << random.nextInt(8));
      }
      try {
        AuditChain.Decoded d = AuditChain.decodeCanonical(damaged, 0, damaged.length);
        // what still decodes must be what the bytes say: encoding it again gives the same bytes
        assertThat(AuditChain.canonical(d.seq(), d.event())).isEqualTo(damaged);
      } catch (IllegalArgumentException expected) {
        // refused, as it should be
      }
    }
  }

  @Test
  void decodeCanonical_truncatedOrTrailing_throws() {
    byte[] good = AuditChain.canonical(7, E7);

    assertThatThrownBy(() -> AuditChain.decodeCanonical(good, 0, good.length - 1))
        .isInstanceOf(IllegalArgumentException.class);
    byte[] longer = java.util.Arrays.copyOf(good, good.length + 1);
    assertThatThrownBy(() -> AuditChain.decodeCanonical(longer, 0, longer.length))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AuditChain.decodeCanonical(good, 5, good.length))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void hash_malformedPrevHash_throws() {
    assertThatThrownBy(() -> AuditChain.hash("abc", 1, E7)).isInstanceOf(IllegalArgumentException.class);
  }
}
