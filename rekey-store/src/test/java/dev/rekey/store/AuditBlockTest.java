package dev.rekey.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rekey.core.audit.AuditChain;
import dev.rekey.core.audit.AuditEvent;
import dev.rekey.core.audit.AuditRecord;
import dev.rekey.core.audit.ChainHead;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The storage form of a group commit: exact round trip, and damage that shows up where it is. */
class AuditBlockTest {
  private static final Instant T = Instant.parse("2026-11-22T10:00:00.123456Z");

  private static List<AuditRecord> chain(long afterSeq, int count) {
    List<AuditEvent> events = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      events.add(new AuditEvent(T.plusSeconds(i), "req-" + i, i % 2 == 0 ? "root" : null, "tok_1", "key.encrypt",
          "default", "orders-\u00e9", i, "allowed", null, "127.0.0.1", i == 1 ? "{\"x\":1}" : null));
    }
    return AuditChain.INSTANCE.chain(new ChainHead(afterSeq, "ab".repeat(32)), events);
  }

  @Test
  void roundTrip_givesBackEveryRecordWithItsLinks() {
    List<AuditRecord> records = chain(41, 5);

    assertThat(AuditBlock.decode(42, AuditBlock.encode(records))).isEqualTo(records);
  }

  @Test
  void aChangedFieldWithSameLength_decodesButNoLongerMatchesItsStoredHash() {
    List<AuditRecord> records = chain(0, 3);
    byte[] block = AuditBlock.encode(records);
    replace(block, "root", "evil", 1); // the third record's principal (the first and third have one)

    List<AuditRecord> decoded = AuditBlock.decode(1, block);

    assertThat(decoded).hasSize(3);
    assertThat(decoded.get(2).event().principal()).isEqualTo("evil");
    assertThat(decoded.get(2).hash()).isEqualTo(records.get(2).hash());
    assertThat(AuditChain.recompute(decoded.get(2))).isNotEqualTo(decoded.get(2).hash());
    assertThat(AuditChain.recompute(decoded.get(0))).isEqualTo(decoded.get(0).hash());
  }

  @Test
  void unreadableRecord_comesBackAtItsPositionAndDecodingGoesOn() {
    List<AuditRecord> records = chain(9, 3);
    byte[] block = AuditBlock.encode(records);
    int second = 1 + 32 + 4 + AuditChain.canonical(10, records.get(0).event()).length + 32;
    block[second + 4] = 7; // the tag's field marker of record 11

    List<AuditRecord> decoded = AuditBlock.decode(10, block);

    assertThat(decoded).extracting(AuditRecord::seq).containsExactly(10L, 11L, 12L);
    assertThat(decoded.get(1).event().action()).isEqualTo(AuditBlock.UNREADABLE);
    assertThat(decoded.get(2)).isEqualTo(records.get(2));
  }

  @Test
  void truncatedBlock_endsWithAnUnreadableRecordAtTheNextPosition() {
    byte[] block = AuditBlock.encode(chain(0, 3));
    byte[] cut = Arrays.copyOf(block, block.length - 40);

    List<AuditRecord> decoded = AuditBlock.decode(1, cut);

    assertThat(decoded).extracting(AuditRecord::seq).containsExactly(1L, 2L, 3L);
    assertThat(decoded.get(2).event().action()).isEqualTo(AuditBlock.UNREADABLE);
    assertThat(AuditBlock.decode(1, new byte[] {9})).singleElement()
        .satisfies(r -> assertThat(r.event().action()).isEqualTo(AuditBlock.UNREADABLE));
  }

  @Test
  void lengthNearIntMax_isUnreadable_notAnOverflow() {
    byte[] block = AuditBlock.encode(chain(0, 2));
    int first = 1 + 32;
    block[first] = 0x7f; // length 0x7fffffe0..: length + 32 would overflow int
    block[first + 1] = (byte) 0xff;
    block[first + 2] = (byte) 0xff;
    block[first + 3] = (byte) 0xf0;

    assertThat(AuditBlock.decode(1, block)).singleElement()
        .satisfies(r -> assertThat(r.event().action()).isEqualTo(AuditBlock.UNREADABLE));
  }

  @Test
  void randomDamage_neverThrows_andDamagedRecordsNeverVerify() {
    List<AuditRecord> records = chain(0, 4);
    byte[] good = AuditBlock.encode(records);
    Random random = new Random(16);
    for (int i = 0; i < 5_000; i++) {
      byte[] damaged = Arrays.copyOf(good, good.length - random.nextInt(8));
      damaged[random.nextInt(damaged.length)] ^= (byte) (1 << random.nextInt(8));
      List<AuditRecord> decoded = AuditBlock.decode(1, damaged);
      boolean allVerify = decoded.size() == records.size();
      String prev = records.get(0).prevHash();
      for (AuditRecord r : decoded) {
        try {
          allVerify &= r.prevHash().equals(prev) && AuditChain.recompute(r).equals(r.hash());
        } catch (IllegalArgumentException malformed) {
          allVerify = false;
        }
        prev = r.hash();
      }
      assertThat(allVerify).as("damaged block %d verified", i).isFalse();
    }
  }

  @Test
  void encode_needsRecords() {
    assertThatThrownBy(() -> AuditBlock.encode(List.of())).isInstanceOf(IllegalArgumentException.class);
  }

  /** Replaces the {@code nth} (0-based) occurrence of {@code from} by {@code to}, same length. */
  private static void replace(byte[] block, String from, String to, int nth) {
    byte[] f = from.getBytes(StandardCharsets.UTF_8);
    int seen = 0;
    for (int i = 0; i + f.length <= block.length; i++) {
      if (Arrays.equals(block, i, i + f.length, f, 0, f.length) && seen++ == nth) {
        System.arraycopy(to.getBytes(StandardCharsets.UTF_8), 0, block, i, f.length);
        return;
      }
    }
    throw new AssertionError("not found");
  }
}
