package dev.rekey.core.audit;

import static dev.rekey.core.audit.AuditFixtures.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import dev.rekey.core.testing.InMemoryAuditRepository;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A 100-record chain with signed checkpoints at 50 and 100, tampered the ways an attacker with table access can. */
class AuditVerifierTest {
  private final InMemoryAuditRepository repo = new InMemoryAuditRepository();
  private final AuditSigningKey key = AuditSigningKey.generate();

  @BeforeEach
  void writeChain() {
    appendAndCheckpoint(1, 50);
    appendAndCheckpoint(51, 100);
  }

  private void appendAndCheckpoint(int from, int to) {
    List<AuditEvent> events = new ArrayList<>();
    for (int i = from; i <= to; i++) {
      events.add(event(i));
    }
    List<AuditRecord> written = repo.append(events, AuditChain.INSTANCE);
    AuditRecord last = written.get(written.size() - 1);
    repo.insertCheckpoint(key.sign(last.seq(), last.hash(), AuditFixtures.T0));
  }

  private AuditVerification verify() {
    return new AuditVerifier(repo, key.publicKey()).verify();
  }

  private static void assertBrokenAt(AuditVerification v, long seq) {
    assertThat(v.valid()).isFalse();
    assertThat(v.firstBrokenSeq()).as(v.reason()).isEqualTo(seq);
    assertThat(v.reason()).isNotBlank();
  }

  @Test
  void verify_untouchedChain_isValid() {
    assertThat(verify()).isEqualTo(new AuditVerification(true, 100, 2, null, null));
  }

  @Test
  void verify_emptyChain_isValid() {
    assertThat(new AuditVerifier(new InMemoryAuditRepository(), key.publicKey()).verify())
        .isEqualTo(new AuditVerification(true, 0, 0, null, null));
  }

  @Test
  void verify_smallPages_sameResults() {
    assertThat(new AuditVerifier(repo, key.publicKey(), 7).verify()).isEqualTo(verify());
    repo.modifyEvent(37, e -> event(999));
    assertThat(new AuditVerifier(repo, key.publicKey(), 7).verify()).isEqualTo(verify());
  }

  @Test
  void verify_modifiedRecord_reportsItsSeq() {
    repo.modifyEvent(37, e -> new AuditEvent(e.time(), e.requestId(), "mallory", e.tokenId(), e.action(), e.namespace(),
        e.keyName(), e.version(), e.outcome(), e.errorCode(), e.clientAddress(), e.details()));
    AuditVerification v = verify();
    assertBrokenAt(v, 37);
    assertThat(v.records()).isEqualTo(36);
    assertThat(v.reason()).contains("modified");
  }

  @Test
  void verify_modifiedRecordWithRecomputedHash_reportsNextSeq() {
    AuditRecord old = repo.record(37);
    AuditEvent forged = event(999);
    repo.replace(37, new AuditRecord(37, forged, old.prevHash(), AuditChain.hash(old.prevHash(), 37, forged)));
    assertBrokenAt(verify(), 38);
  }

  @Test
  void verify_consistentlyRewrittenTail_reportsFirstSeqAfterLastGoodCheckpoint() {
    List<AuditRecord> rewritten = new ArrayList<>();
    String prev = repo.record(59).hash();
    for (long seq = 60; seq <= 100; seq++) {
      AuditEvent e = seq == 60 ? event(999) : repo.record(seq).event();
      String hash = AuditChain.hash(prev, seq, e);
      rewritten.add(new AuditRecord(seq, e, prev, hash));
      prev = hash;
    }
    rewritten.forEach(r -> repo.replace(r.seq(), r));
    repo.setHead(new ChainHead(100, prev));

    AuditVerification v = verify();
    assertBrokenAt(v, 51);
    assertThat(v.reason()).contains("51 to 100 were rewritten");
  }

  @Test
  void verify_deletedRecord_reportsItsSeq() {
    repo.delete(37);
    AuditVerification v = verify();
    assertBrokenAt(v, 37);
    assertThat(v.reason()).contains("record 37 is missing");
  }

  @Test
  void verify_deletedRecordWithLaterOnesRenumbered_reportsItsSeq() {
    repo.deleteAndRenumber(37);
    assertBrokenAt(verify(), 37);
  }

  @Test
  void verify_copiedRecordInserted_reportsItsSeq() {
    AuditRecord copy = repo.record(5);
    repo.insertAndRenumber(new AuditRecord(37, copy.event(), copy.prevHash(), copy.hash()));
    assertBrokenAt(verify(), 37);
  }

  @Test
  void verify_forgedRecordInsertedWithValidHash_reportsTheRecordAfterIt() {
    // A forged record that links and hashes correctly is indistinguishable on its own; the chain
    // breaks at the displaced original, which no longer links.
    String prev = repo.record(36).hash();
    AuditEvent forged = event(999);
    repo.insertAndRenumber(new AuditRecord(37, forged, prev, AuditChain.hash(prev, 37, forged)));
    AuditVerification v = verify();
    assertBrokenAt(v, 38);
    assertThat(v.records()).isEqualTo(37);
  }

  @Test
  void verify_adjacentRecordsSwapped_reportsFirstPosition() {
    repo.swap(37, 38);
    assertBrokenAt(verify(), 37);
  }

  @Test
  void verify_distantRecordsSwapped_reportsFirstPosition() {
    repo.swap(80, 20);
    assertBrokenAt(verify(), 20);
  }

  @Test
  void verify_severalBreaks_reportsTheFirst() {
    repo.modifyEvent(70, e -> event(998));
    repo.delete(90);
    repo.modifyEvent(20, e -> event(999));
    assertBrokenAt(verify(), 20);
  }

  @Test
  void verify_checkpointHashForged_reportsCheckpointSeq() {
    repo.replaceCheckpoint(0, cp -> new AuditCheckpoint(cp.seq(), "ab".repeat(32), cp.at(), cp.keyId(), cp.signature()));
    AuditVerification v = verify();
    assertBrokenAt(v, 50);
    assertThat(v.reason()).contains("invalid signature");
    assertThat(v.checkpoints()).isZero();
  }

  @Test
  void verify_checkpointSignedByAnotherKey_reportsCheckpointSeq() {
    AuditSigningKey attacker = AuditSigningKey.generate();
    repo.replaceCheckpoint(1, cp -> attacker.sign(cp.seq(), cp.hash(), cp.at()));
    assertBrokenAt(verify(), 100);
  }

  @Test
  void verify_checkpointWithOurKeyIdButForeignSignature_reportsCheckpointSeq() {
    AuditSigningKey attacker = AuditSigningKey.generate();
    repo.replaceCheckpoint(1, cp -> {
      AuditCheckpoint forged = attacker.sign(cp.seq(), cp.hash(), cp.at());
      return new AuditCheckpoint(cp.seq(), cp.hash(), cp.at(), key.keyId(), forged.signature());
    });
    assertBrokenAt(verify(), 100);
  }

  @Test
  void verify_checkpointSignatureNotBase64_reportsCheckpointSeq() {
    repo.replaceCheckpoint(0, cp -> new AuditCheckpoint(cp.seq(), cp.hash(), cp.at(), cp.keyId(), "%%%"));
    assertBrokenAt(verify(), 50);
  }

  @Test
  void verify_checkpointTimeChanged_reportsCheckpointSeq() {
    repo.replaceCheckpoint(0, cp -> new AuditCheckpoint(cp.seq(), cp.hash(), cp.at().plusSeconds(1), cp.keyId(),
        cp.signature()));
    assertBrokenAt(verify(), 50);
  }

  @Test
  void verify_noPublicKeyKnown_checkpointsFail() {
    AuditVerification v = new AuditVerifier(repo, null).verify();
    assertBrokenAt(v, 50);
    assertThat(v.reason()).contains("no audit signing public key");
  }

  @Test
  void verify_truncatedAfterCheckpointAndHeadMoved_reportsFirstMissingSeq() {
    repo.truncateAfter(80, true);
    AuditVerification v = verify();
    assertBrokenAt(v, 81);
    assertThat(v.records()).isEqualTo(80);
    assertThat(v.reason()).contains("deleted from the end");
  }

  @Test
  void verify_truncatedWithHeadLeftInPlace_reportsFirstMissingSeq() {
    repo.truncateAfter(80, false);
    AuditVerification v = verify();
    assertBrokenAt(v, 81);
    assertThat(v.reason()).contains("81 to 100 are missing");
  }

  @Test
  void verify_truncatedToNothingAndHeadReset_reportsSeqOne() {
    repo.truncateAfter(0, true);
    assertBrokenAt(verify(), 1);
  }

  @Test
  void verify_headHashForged_reportsHeadSeq() {
    repo.setHead(new ChainHead(100, "cd".repeat(32)));
    assertBrokenAt(verify(), 100);
  }

  @Test
  void verify_recordsAppendedAfterLastCheckpoint_areVerifiedByTheChain() {
    repo.append(List.of(event(101), event(102)), AuditChain.INSTANCE);
    assertThat(verify()).isEqualTo(new AuditVerification(true, 102, 2, null, null));
    repo.modifyEvent(102, e -> event(999));
    assertBrokenAt(verify(), 102);
  }

  @Test
  void fromSystem_storedPublicKey_isTrusted() {
    AuditFixtures.FakeSystemRepository system = new AuditFixtures.FakeSystemRepository();
    system.putIfAbsent(AuditSigningKey.PUBLIC_NAME, key.publicKey());
    assertThat(AuditVerifier.fromSystem(repo, system).verify().valid()).isTrue();
  }

  @Test
  void verify_repositoryUnreadable_throwsAuditUnavailable() {
    repo.failReads(new IllegalStateException("disk gone"));
    assertThatThrownBy(() -> new AuditVerifier(repo, key.publicKey()).verify())
        .isInstanceOfSatisfying(RekeyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.AUDIT_UNAVAILABLE));
  }
}
