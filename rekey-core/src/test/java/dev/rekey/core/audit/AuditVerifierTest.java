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
    assertThat(verify()).isEqualTo(new AuditVerification(true, 100, 2, null, null, repo.checkpoints().get(1)));
  }

  @Test
  void verify_emptyChain_isValid() {
    assertThat(new AuditVerifier(new InMemoryAuditRepository(), key.publicKey()).verify())
        .isEqualTo(new AuditVerification(true, 0, 0, null, null, null));
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
    assertThat(verify()).isEqualTo(new AuditVerification(true, 102, 2, null, null, repo.checkpoints().get(1)));
    repo.modifyEvent(102, e -> event(999));
    assertBrokenAt(verify(), 102);
  }

  // ---- anchors: signed checkpoints kept outside the database ----

  private AuditVerification verify(AuditCheckpoint anchor) {
    return new AuditVerifier(repo, key.publicKey()).verify(List.of(new AuditVerifier.Anchor(anchor, "the anchor")));
  }

  /** Records {@code from} to the head recomputed (event {@code from} replaced), as someone who can write the tables would. */
  private void rewriteFrom(long from) {
    String prev = from == 1 ? ChainHead.GENESIS_HASH : repo.record(from - 1).hash();
    long last = repo.head().seq();
    for (long seq = from; seq <= last; seq++) {
      AuditEvent e = seq == from ? event(999) : repo.record(seq).event();
      String hash = AuditChain.hash(prev, seq, e);
      repo.replace(seq, new AuditRecord(seq, e, prev, hash));
      prev = hash;
    }
    repo.setHead(new ChainHead(last, prev));
  }

  @Test
  void verify_withAnchorOfThisTrail_isValidAndGivesTheNewestCheckpoint() {
    AuditCheckpoint kept = repo.checkpoints().get(0);
    AuditVerification v = verify(kept);
    assertThat(v.valid()).as(v.reason()).isTrue();
    assertThat(v.anchor()).isEqualTo(repo.checkpoints().get(1));
    assertThat(verify(repo.checkpoints().get(1)).valid()).isTrue();
  }

  @Test
  void verify_allCheckpointsDeletedAndChainRewritten_isOnlyFoundWithAnAnchor() {
    AuditCheckpoint kept = repo.checkpoints().get(0);
    repo.deleteCheckpoints();
    rewriteFrom(10);
    // the gap the anchor closes: the database alone holds a consistent, unsigned trail
    assertThat(verify().valid()).isTrue();

    AuditVerification v = verify(kept);
    assertBrokenAt(v, 1);
    assertThat(v.reason()).contains("record 50 does not match the anchor at seq 50", "records 1 to 50 were rewritten");
    assertThat(v.anchor()).isNull();
  }

  @Test
  void verify_rewrittenAfterTheAnchor_isFoundByTheCheckpointsStillThere() {
    AuditCheckpoint kept = repo.checkpoints().get(0);
    rewriteFrom(60);
    AuditVerification v = verify(kept);
    assertBrokenAt(v, 51);
    assertThat(v.reason()).contains("51 to 100 were rewritten");
  }

  @Test
  void verify_truncatedBackToAnEarlierCheckpoint_isOnlyFoundWithAnAnchor() {
    AuditCheckpoint kept = repo.checkpoints().get(1);
    repo.truncateAfter(50, true);
    repo.deleteCheckpointsAfter(50);
    assertThat(verify().valid()).isTrue();

    AuditVerification v = verify(kept);
    assertBrokenAt(v, 51);
    assertThat(v.records()).isEqualTo(50);
    assertThat(v.reason()).contains("the anchor at seq 100", "the trail ends at seq 50", "deleted from the end");
  }

  @Test
  void verify_truncatedAndExtended_isFoundWithAnAnchor() {
    // cut back to 50, then new records and a checkpoint take seqs 51 to 110 (the server signs them)
    AuditCheckpoint kept = repo.checkpoints().get(1);
    repo.truncateAfter(50, true);
    repo.deleteCheckpointsAfter(50);
    List<AuditEvent> later = new ArrayList<>();
    for (int i = 1; i <= 60; i++) {
      later.add(event(1_000 + i));
    }
    AuditRecord last = repo.append(later, AuditChain.INSTANCE).get(59);
    repo.insertCheckpoint(key.sign(last.seq(), last.hash(), AuditFixtures.T0.plusSeconds(60)));
    assertThat(verify().valid()).isTrue();

    AuditVerification v = verify(kept);
    assertBrokenAt(v, 51);
    assertThat(v.reason()).contains("record 100 does not match the anchor");
  }

  @Test
  void verify_anchorsCheckpointDeleted_recordsIntact_reportsItsSeq() {
    AuditCheckpoint kept = repo.checkpoints().get(0);
    repo.deleteCheckpoints();
    AuditVerification v = verify(kept);
    assertBrokenAt(v, 50);
    assertThat(v.reason()).contains("no longer among the trail's checkpoints", "records 1 to 50 still match it");
  }

  @Test
  void verify_anchorsCheckpointSignedAgainAtAnotherTime_reportsItsSeq() {
    // the checkpoint at 100 deleted and the same head signed again (as a restart over a cut trail does)
    AuditCheckpoint kept = repo.checkpoints().get(1);
    repo.replaceCheckpoint(1, cp -> key.sign(cp.seq(), cp.hash(), cp.at().plusSeconds(60)));
    assertThat(verify().valid()).isTrue();
    assertBrokenAt(verify(kept), 100);
  }

  @Test
  void verify_anchorFromAnotherServer_reportsSeqOneWithoutReadingTheTrail() {
    AuditSigningKey otherServer = AuditSigningKey.generate();
    AuditCheckpoint foreign = otherServer.sign(50, repo.record(50).hash(), AuditFixtures.T0);
    repo.failReads(new IllegalStateException("must not be read"));
    AuditVerification v = verify(foreign);
    assertBrokenAt(v, 1);
    assertThat(v.reason()).contains("signed by " + otherServer.keyId(), "not by this trail's audit signing key "
        + key.keyId(), "another server");
  }

  @Test
  void verify_signingKeyReplacedAndTrailResigned_isFoundWithAnAnchor() {
    // delete the key rows, checkpoints and records: the server makes a new signing key and signs what it finds
    AuditCheckpoint kept = repo.checkpoints().get(1);
    AuditSigningKey replacement = AuditSigningKey.generate();
    repo.deleteCheckpoints();
    rewriteFrom(1);
    ChainHead head = repo.head();
    repo.insertCheckpoint(replacement.sign(head.seq(), head.hash(), AuditFixtures.T0.plusSeconds(3600)));
    AuditVerifier resigned = new AuditVerifier(repo, replacement.publicKey());
    assertThat(resigned.verify().valid()).isTrue();

    AuditVerification v = resigned.verify(List.of(new AuditVerifier.Anchor(kept, "the anchor")));
    assertBrokenAt(v, 1);
    assertThat(v.reason()).contains("signing key was replaced");
  }

  @Test
  void verify_anchorWithAlteredHash_reportsSeqOne() {
    AuditCheckpoint cp = repo.checkpoints().get(0);
    AuditVerification v = verify(new AuditCheckpoint(cp.seq(), "ab".repeat(32), cp.at(), cp.keyId(), cp.signature()));
    assertBrokenAt(v, 1);
    assertThat(v.reason()).contains("not carry a valid signature", "altered");
  }

  @Test
  void verify_anchorWithTheSameSignatureInAnotherBase64Spelling_isHeld() {
    AuditCheckpoint cp = repo.checkpoints().get(0);
    // 64 bytes end in "x==" whose last 4 bits are padding: base64 decoders ignore them, so the
    // anchor carries exactly the stored signature; it must not read as a deleted checkpoint
    char[] sig = cp.signature().toCharArray();
    int i = sig.length - 3;
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    sig[i] = alphabet.charAt(alphabet.indexOf(sig[i]) ^ 1);
    AuditCheckpoint respelled = new AuditCheckpoint(cp.seq(), cp.hash(), cp.at(), cp.keyId(), new String(sig));
    assertThat(respelled.signature()).isNotEqualTo(cp.signature());
    assertThat(AuditSigningKey.verify(key.publicKey(), respelled)).isTrue();

    AuditVerification v = verify(respelled);
    assertThat(v.valid()).as(v.reason()).isTrue();
  }

  @Test
  void verify_anchorWithMalformedText_isAlteredNotAnError() {
    AuditCheckpoint cp = repo.checkpoints().get(0);
    assertBrokenAt(verify(new AuditCheckpoint(cp.seq(), "\ud800", cp.at(), cp.keyId(), cp.signature())), 1);
  }

  @Test
  void verify_anchorWithoutPublicKey_reportsSeqOne() {
    AuditVerification v = new AuditVerifier(repo, null)
        .verify(List.of(new AuditVerifier.Anchor(repo.checkpoints().get(0), "the anchor")));
    assertBrokenAt(v, 1);
    assertThat(v.reason()).contains("no audit signing public key");
  }

  @Test
  void verify_severalAnchors_eachMustHold() {
    List<AuditVerifier.Anchor> both = List.of(new AuditVerifier.Anchor(repo.checkpoints().get(1), "the anchor"),
        new AuditVerifier.Anchor(repo.checkpoints().get(0), "this server's checkpoint"));
    AuditVerifier verifier = new AuditVerifier(repo, key.publicKey(), 7);
    assertThat(verifier.verify(both).valid()).isTrue();
    repo.truncateAfter(80, true);
    repo.deleteCheckpointsAfter(80);
    assertBrokenAt(verifier.verify(both), 81);
  }

  @Test
  void verify_brokenTrail_givesNoAnchor() {
    repo.modifyEvent(70, e -> event(998));
    assertThat(verify().anchor()).isNull();
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
