package dev.rekey.store.testing;

import dev.rekey.core.audit.AuditChainer;
import dev.rekey.core.audit.AuditEvent;
import dev.rekey.core.audit.AuditRecord;
import dev.rekey.core.audit.ChainHead;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** A simple test chainer: {@code hash = SHA-256(prevHash | seq | event)}, hex. */
public final class Sha256Chainer implements AuditChainer {
  @Override
  public List<AuditRecord> chain(ChainHead head, List<AuditEvent> events) {
    List<AuditRecord> out = new ArrayList<>(events.size());
    long seq = head.seq();
    String prev = head.hash();
    for (AuditEvent e : events) {
      seq++;
      String hash = hash(prev, seq, e);
      out.add(new AuditRecord(seq, e, prev, hash));
      prev = hash;
    }
    return out;
  }

  public static String hash(String prevHash, long seq, AuditEvent e) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update((prevHash + "|" + seq + "|" + e).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException ex) {
      throw new IllegalStateException(ex);
    }
  }
}
