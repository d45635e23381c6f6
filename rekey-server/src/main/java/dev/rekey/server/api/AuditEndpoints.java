package dev.rekey.server.api;

import static dev.rekey.server.http.HandlerMode.BLOCKING;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.rekey.api.AuditAnchor;
import dev.rekey.api.AuditRecordList;
import dev.rekey.api.AuditRecordView;
import dev.rekey.api.AuditVerifyRequest;
import dev.rekey.api.AuditVerifyResponse;
import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import dev.rekey.core.audit.AuditCheckpoint;
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
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/** Reading and verifying the audit trail. */
public final class AuditEndpoints {
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};
  private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");
  private final AuditRepository audit;
  private final Supplier<byte[]> trustedPublicKey;
  private final Supplier<List<AuditCheckpoint>> ownCheckpoints;
  /** Whole-trail walks that may run at once on this node, whatever their anchors. */
  static final int MAX_WALKS = 2;
  private final BoundedSingleFlight<Optional<AuditCheckpoint>, AuditVerifyResponse> walks =
      new BoundedSingleFlight<>(MAX_WALKS, () -> new RekeyException(ErrorCode.TOO_MANY_REQUESTS, MAX_WALKS
          + " verifications of the audit trail are running on this node; retry when they end"));
  private final Json json;

  /**
   * @param trustedPublicKey the public key of the audit signing key as unwrapped with the root
   *     keyring (not the public key stored in clear beside the trail, which anyone who can write
   *     the database could replace together with re-signed checkpoints); throws ILLEGAL_STATE when
   *     the stored public key does not match it
   * @param ownCheckpoints the checkpoints this node's audit writer stored and remembers
   *     ({@code AuditLog.storedCheckpoints}): every verify checks that the trail still holds them,
   *     so a trail truncated or rewritten under a running node is reported without any anchor
   */
  public AuditEndpoints(AuditRepository audit, Supplier<byte[]> trustedPublicKey,
      Supplier<List<AuditCheckpoint>> ownCheckpoints, Json json) {
    this.audit = audit;
    this.trustedPublicKey = trustedPublicKey;
    this.ownCheckpoints = ownCheckpoints;
    this.json = json;
  }

  public void register(ApiRouter r) {
    r.route(HttpMethod.GET, "/v1/audit/verify", Action.AUDIT_READ, BLOCKING, c -> verifyOnce(Optional.empty()));
    r.route(HttpMethod.POST, "/v1/audit/verify", Action.AUDIT_READ, BLOCKING,
        c -> verifyOnce(Optional.of(anchor(c.body(AuditVerifyRequest.class)))));
    r.route(HttpMethod.GET, "/v1/audit/records", Action.AUDIT_READ, BLOCKING, this::records);
  }

  /**
   * One walk of the whole trail at a time per anchor (or none): a verify asked for while one with
   * the same anchor runs gets that one's answer (records appended after a walk read the chain head
   * are never part of it anyway), so callers cannot pile up full reads of the trail. Walks with
   * different anchors run side by side, at most {@link #MAX_WALKS} at once: past that a verify is
   * refused with 429 too_many_requests, so holders of audit.read cannot fill the worker pool with
   * reads of the whole trail by sending many different (real) anchors.
   */
  private Object verifyOnce(Optional<AuditCheckpoint> anchor) {
    return walks.run(anchor, () -> verify(anchor));
  }

  /** The anchor of a verify request as a checkpoint; 400 for a malformed one (a forged one is a broken trail). */
  private static AuditCheckpoint anchor(AuditVerifyRequest request) {
    AuditAnchor a = request.anchor();
    if (a == null) {
      throw RekeyException.invalid("field 'anchor' is required: a checkpoint as 'rekey audit anchor' prints it");
    }
    if (a.seq() < 1) {
      throw RekeyException.invalid("field 'anchor.seq' must be a record position (1 or more)");
    }
    if (a.hash() == null || !HASH.matcher(a.hash()).matches()) {
      throw RekeyException.invalid("field 'anchor.hash' must be 64 lowercase hex digits");
    }
    if (a.keyId() == null || a.keyId().isBlank() || a.signature() == null || a.signature().isBlank()) {
      throw RekeyException.invalid("fields 'anchor.key_id' and 'anchor.signature' are required");
    }
    Instant at;
    try {
      at = Instant.parse(a.at() == null ? "" : a.at());
    } catch (DateTimeParseException e) {
      throw RekeyException.invalid("field 'anchor.at' must be an ISO-8601 time such as 2026-01-02T03:04:05.123456Z");
    }
    String signature;
    try {
      // one spelling per signature (the decoder ignores the unused bits of the last character),
      // so the same anchor written another way shares its walk with the others
      signature = java.util.Base64.getEncoder().encodeToString(java.util.Base64.getDecoder().decode(a.signature()));
    } catch (IllegalArgumentException e) {
      throw RekeyException.invalid("field 'anchor.signature' must be base64");
    }
    return new AuditCheckpoint(a.seq(), a.hash(), at, a.keyId(), signature);
  }

  private AuditVerifyResponse verify(Optional<AuditCheckpoint> anchor) {
    // read before the walk reads the chain head: a checkpoint is stored after its record
    List<AuditVerifier.Anchor> anchors = new ArrayList<>();
    for (AuditCheckpoint own : ownCheckpoints.get()) {
      anchors.add(new AuditVerifier.Anchor(own, "this server's checkpoint"));
    }
    anchor.ifPresent(a -> anchors.add(new AuditVerifier.Anchor(a, "the anchor")));
    byte[] publicKey;
    try {
      publicKey = trustedPublicKey.get();
    } catch (RekeyException e) {
      if (e.code() != ErrorCode.ILLEGAL_STATE) {
        throw e;
      }
      return new AuditVerifyResponse(false, 0, 0, 1L, "the audit signing public key stored beside the trail"
          + " does not match the root-wrapped signing key: the trail cannot be trusted", null);
    }
    AuditVerification v = new AuditVerifier(audit, publicKey).verify(anchors);
    AuditCheckpoint latest = v.anchor();
    return new AuditVerifyResponse(v.valid(), v.records(), v.checkpoints(), v.firstBrokenSeq(), v.reason(),
        latest == null ? null : new AuditAnchor(latest.seq(), latest.hash(), IsoTime.format(latest.at()),
            latest.keyId(), latest.signature()));
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
