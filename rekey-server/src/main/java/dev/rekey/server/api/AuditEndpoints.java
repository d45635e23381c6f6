package dev.rekey.server.api;

import static dev.rekey.server.http.ApiRouter.Mode.BLOCKING;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.rekey.api.AuditRecordList;
import dev.rekey.api.AuditRecordView;
import dev.rekey.api.AuditVerifyResponse;
import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import dev.rekey.core.audit.AuditEvent;
import dev.rekey.core.audit.AuditRecord;
import dev.rekey.core.audit.AuditVerification;
import dev.rekey.core.audit.AuditVerifier;
import dev.rekey.core.auth.Action;
import dev.rekey.core.port.AuditRepository;
import dev.rekey.server.http.ApiRouter;
import dev.rekey.server.http.Call;
import dev.rekey.server.http.Json;
import io.vertx.core.http.HttpMethod;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/** Reading and verifying the audit trail. */
public final class AuditEndpoints {
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};
  private final AuditRepository audit;
  private final Supplier<byte[]> trustedPublicKey;
  private final AtomicReference<CompletableFuture<AuditVerifyResponse>> inFlight = new AtomicReference<>();
  private final Json json;

  /**
   * @param trustedPublicKey the public key of the audit signing key as unwrapped with the root
   *     keyring (not the public key stored in clear beside the trail, which anyone who can write
   *     the database could replace together with re-signed checkpoints); throws ILLEGAL_STATE when
   *     the stored public key does not match it
   */
  public AuditEndpoints(AuditRepository audit, Supplier<byte[]> trustedPublicKey, Json json) {
    this.audit = audit;
    this.trustedPublicKey = trustedPublicKey;
    this.json = json;
  }

  public void register(ApiRouter r) {
    r.route(HttpMethod.GET, "/v1/audit/verify", Action.AUDIT_READ, BLOCKING, c -> verifyOnce());
    r.route(HttpMethod.GET, "/v1/audit/records", Action.AUDIT_READ, BLOCKING, this::records);
  }

  /**
   * One walk of the whole trail at a time: a verify asked for while one runs gets that one's
   * answer (records appended after a walk read the chain head are never part of it anyway), so
   * callers cannot pile up full reads of the trail.
   */
  private Object verifyOnce() {
    CompletableFuture<AuditVerifyResponse> mine = new CompletableFuture<>();
    CompletableFuture<AuditVerifyResponse> running = inFlight.compareAndExchange(null, mine);
    if (running != null) {
      return running;
    }
    try {
      AuditVerifyResponse answer = verify();
      mine.complete(answer);
      return answer;
    } catch (Throwable e) {
      // an Error too: callers waiting on this walk must get an answer
      mine.completeExceptionally(e);
      throw e;
    } finally {
      inFlight.set(null);
    }
  }

  private AuditVerifyResponse verify() {
    byte[] publicKey;
    try {
      publicKey = trustedPublicKey.get();
    } catch (RekeyException e) {
      if (e.code() != ErrorCode.ILLEGAL_STATE) {
        throw e;
      }
      return new AuditVerifyResponse(false, 0, 0, 1L, "the audit signing public key stored beside the trail"
          + " does not match the root-wrapped signing key: the trail cannot be trusted");
    }
    AuditVerification v = new AuditVerifier(audit, publicKey).verify();
    return new AuditVerifyResponse(v.valid(), v.records(), v.checkpoints(), v.firstBrokenSeq(), v.reason());
  }


  private Object records(Call c) {
    // seqs are longs: at 1,000 requests a second the trail passes 2^31 records in under a month
    long from = c.longQuery("from", 1, 1, Long.MAX_VALUE);
    int limit = c.intQuery("limit", 100, 1, 1000);
    List<AuditRecord> page = audit.read(from, limit);
    Long next = page.size() == limit ? page.get(page.size() - 1).seq() + 1 : null;
    return new AuditRecordList(page.stream().map(this::view).toList(), next);
  }

  private AuditRecordView view(AuditRecord r) {
    AuditEvent e = r.event();
    Map<String, Object> details = null;
    if (e.details() != null) {
      try {
        details = json.mapper().readValue(e.details(), MAP);
      } catch (Exception ex) {
        details = Map.of("text", e.details());
      }
    }
    return new AuditRecordView(r.seq(), e.time().toString(), e.requestId(), e.principal(), e.tokenId(), e.action(),
        e.namespace(), e.keyName(), e.version() == 0 ? null : e.version(), e.outcome(), e.errorCode(),
        e.clientAddress(), details, r.prevHash(), r.hash());
  }
}
