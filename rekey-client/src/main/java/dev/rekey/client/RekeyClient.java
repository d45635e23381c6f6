package dev.rekey.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rekey.api.ApiPaths;
import dev.rekey.api.AuditAnchor;
import dev.rekey.api.AuditRecordList;
import dev.rekey.api.AuditVerifyRequest;
import dev.rekey.api.AuditVerifyResponse;
import dev.rekey.api.CiphertextItem;
import dev.rekey.api.CreateKeyRequest;
import dev.rekey.api.DecryptResult;
import dev.rekey.api.EncryptItem;
import dev.rekey.api.EncryptResponse;
import dev.rekey.api.EncryptResult;
import dev.rekey.api.GrantView;
import dev.rekey.api.Health;
import dev.rekey.api.InitRequest;
import dev.rekey.api.InitResponse;
import dev.rekey.api.KeyExportRequest;
import dev.rekey.api.KeyExportResponse;
import dev.rekey.api.KeyList;
import dev.rekey.api.KeyView;
import dev.rekey.api.RotateRequest;
import dev.rekey.api.RotateRootResponse;
import dev.rekey.api.ScheduleDestroyRequest;
import dev.rekey.api.SealStatus;
import dev.rekey.api.TokenCreateRequest;
import dev.rekey.api.TokenList;
import dev.rekey.api.TokenView;
import dev.rekey.api.UnsealRequest;
import dev.rekey.api.UpdateKeyRequest;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Java SDK for the Rekey REST API v1 (docs/api.md): one method per endpoint. Keys, tokens,
 * audit and the seal are here; other areas have a client of their own, reached from this one and
 * sharing its connection, token and namespace: {@link #encryption()} (whose calls this client also
 * keeps under the same names), {@link #signing()}, {@link #secrets()}, {@link #consumers()},
 * {@link #webhooks()}, {@link #policies()}, {@link #deks()} and {@link #rewrapCampaigns()}.
 * Thread-safe; build one and share it. Binary values are byte arrays here and base64 on the wire.
 * Every failure is a {@link RekeyClientException} (a {@link RekeyConnectionException} when there
 * was no answer). {@link #toString()} never shows the token.
 */
public final class RekeyClient {
  private final Transport transport;
  private final String namespace;
  private final ApiCalls calls;
  private final EncryptionClient encryption;

  RekeyClient(Transport transport, String namespace) {
    this.transport = transport;
    this.namespace = namespace;
    this.calls = new ApiCalls(transport, namespace);
    this.encryption = new EncryptionClient(calls);
  }

  public static RekeyClientBuilder builder() {
    return new RekeyClientBuilder();
  }

  /** A client from REKEY_ADDR, REKEY_TOKEN and REKEY_NAMESPACE (each optional). */
  public static RekeyClient fromEnvironment() {
    return RekeyClientBuilder.fromEnvironment(System.getenv()).build();
  }

  /** The same client (connection, token) acting in another namespace. */
  public RekeyClient withNamespace(String otherNamespace) {
    return new RekeyClient(transport, RekeyClientBuilder.requireNamespace(otherNamespace));
  }

  public String namespace() {
    return namespace;
  }

  /**
   * The same client sending {@code approvalId} with every request (header {@code X-Rekey-Approval}):
   * to run, once, a guarded operation that others approved (see {@link #approvals()}).
   */
  public RekeyClient withApproval(String approvalId) {
    return new RekeyClient(transport.withApproval(approvalId), namespace);
  }

  /** Two-person approval: requests for guarded operations and the namespace's approval policy. */
  public ApprovalsClient approvals() {
    return new ApprovalsClient(calls);
  }

  /** Versioned secrets in this client's namespace. */
  public SecretsClient secrets() {
    return new SecretsClient(transport, namespace);
  }

  /** Consumers of keys, their bindings and propagation, in this client's namespace. */
  public ConsumersClient consumers() {
    return new ConsumersClient(transport, namespace);
  }

  /** Webhook subscriptions, their deliveries and the lifecycle events, in this client's namespace. */
  public WebhooksClient webhooks() {
    return new WebhooksClient(calls);
  }

  /** Rotation policies and the rotation scheduler's status. */
  public PoliciesClient policies() {
    return new PoliciesClient(calls);
  }

  /** Tenants' data keys held by the server, in this client's namespace. */
  public DeksClient deks() {
    return new DeksClient(calls);
  }

  /** Encryption, decryption, rewrap and data keys of this client's keys. */
  public EncryptionClient encryption() {
    return encryption;
  }

  /** Signatures, MACs, JWTs and public keys (JWKS) of this client's keys. */
  public SigningClient signing() {
    return new SigningClient(calls);
  }

  /** Re-wrap campaigns of stored data keys, in this client's namespace. */
  public RewrapCampaignsClient rewrapCampaigns() {
    return new RewrapCampaignsClient(calls);
  }

  public String address() {
    return transport.base();
  }

  // ---- system ----

  /** Health; a sealed or uninitialized server answers 503 with a health body, returned here too. */
  public Health health() {
    Transport.Result result = transport.exchange("GET", ApiPaths.HEALTH, namespace, null);
    if (result.status() == 200 || result.status() == 503) {
      try {
        Health health = transport.mapper().readValue(result.body(), Health.class);
        if (health.status() != null) {
          return health;
        }
      } catch (IOException | RuntimeException e) {
        // not a health body: report the status below
      }
    }
    throw transport.error(result);
  }

  public SealStatus sealStatus() {
    return calls.get(ApiPaths.SEAL_STATUS, SealStatus.class);
  }

  /** Initializes a new server once; shares and threshold are null for file and pkcs11 seals. */
  public InitResponse init(Integer shares, Integer threshold) {
    return calls.post(ApiPaths.INIT, new InitRequest(shares, threshold), InitResponse.class);
  }

  /** Submits one unseal share; the answer shows the progress. */
  public SealStatus unseal(String share) {
    return calls.post(ApiPaths.UNSEAL, UnsealRequest.ofShare(share), SealStatus.class);
  }

  /** Discards the shares submitted so far. */
  public SealStatus resetUnseal() {
    return calls.post(ApiPaths.UNSEAL, UnsealRequest.resetProgress(), SealStatus.class);
  }

  public void seal() {
    calls.call("POST", ApiPaths.SEAL);
  }

  public RotateRootResponse rotateRoot() {
    return calls.post(ApiPaths.ROTATE_ROOT, null, RotateRootResponse.class);
  }

  // ---- tokens ----

  /** Creates a token; the answer's {@code token} is the secret, shown only this once. */
  public TokenView createToken(TokenCreateRequest request) {
    return calls.post(ApiPaths.TOKENS, request, TokenView.class);
  }

  /** Creates a token; {@code ttl} null means the server's default. */
  public TokenView createToken(String principal, List<GrantView> grants, Duration ttl) {
    return createToken(new TokenCreateRequest(principal, grants, ttl == null ? null : ttl.toString()));
  }

  public TokenView selfToken() {
    return calls.get(ApiPaths.TOKEN_SELF, TokenView.class);
  }

  /** Every token the caller may see, all pages joined. */
  public TokenList listTokens() {
    List<dev.rekey.api.TokenView> all = new ArrayList<>();
    String after = null;
    do {
      TokenList page = calls.get(WireText.pathWithQuery(ApiPaths.TOKENS, "after", after), TokenList.class);
      all.addAll(page.tokens());
      after = page.nextAfter();
    } while (after != null);
    return new TokenList(all);
  }

  public void revokeToken(String id) {
    calls.call("DELETE", ApiPaths.token(id));
  }

  // ---- keys ----

  public KeyView createKey(CreateKeyRequest request) {
    return calls.post(ApiPaths.KEYS, request, KeyView.class);
  }

  /** Creates a key; {@code type} null means {@code aes256-gcm}. */
  public KeyView createKey(String name, String type, Map<String, String> tags) {
    return createKey(new CreateKeyRequest(name, type, tags));
  }

  public KeyView getKey(String name) {
    return calls.get(ApiPaths.key(name), KeyView.class);
  }

  /** One page of keys after the name {@code after} (null: from the start); limit null: server default. */
  public KeyList listKeys(String after, Integer limit) {
    return calls.get(keysPath(after, limit), KeyList.class);
  }

  /** Every key of the namespace, following the pages. */
  public List<KeyView> listAllKeys() {
    List<KeyView> all = new ArrayList<>();
    String after = null;
    do {
      KeyList page = listKeys(after, null);
      all.addAll(page.keys() == null ? List.of() : page.keys());
      after = page.keys() == null || page.keys().isEmpty() ? null : page.nextAfter();
    } while (after != null);
    return all;
  }

  /** The query path of {@code GET /v1/keys}. */
  public static String keysPath(String after, Integer limit) {
    return WireText.pathWithQuery(ApiPaths.KEYS, "after", after, "limit", limit);
  }

  public KeyView updateKey(String name, UpdateKeyRequest request) {
    return updateKey(name, request, false);
  }

  /**
   * As {@link #updateKey(String, UpdateKeyRequest)}; with {@code force} a raise of the minimum
   * decryption version proceeds even though consumers still use a version it retires (the server audits it).
   */
  public KeyView updateKey(String name, UpdateKeyRequest request, boolean force) {
    return calls.send("PATCH", WireText.pathWithQuery(ApiPaths.key(name), "force", force ? "true" : null), request,
        KeyView.class);
  }

  /** Rotates: a new primary version, or with {@code promote=false} a new pending version. */
  public KeyView rotateKey(String name, boolean promote) {
    return calls.post(ApiPaths.keyOperation(name, "rotate"), new RotateRequest(promote), KeyView.class);
  }

  /**
   * Exports the material of {@code version} (null: the primary) of an exportable key, when the
   * server allows export: a PKCS#8 PEM private key for signing keys, base64 bytes otherwise.
   */
  public KeyExportResponse exportKey(String name, Integer version) {
    return calls.post(ApiPaths.keyOperation(name, "export"), new KeyExportRequest(version), KeyExportResponse.class);
  }

  /** New primary at once; the old primary becomes revoked. */
  public KeyView emergencyRotate(String name) {
    return emergencyRotate(name, null);
  }

  /**
   * Revokes {@code compromisedVersion} (null: the primary when the server gets the request); if it
   * is the primary, a new primary replaces it first. See docs/api.md.
   */
  public KeyView emergencyRotate(String name, Integer compromisedVersion) {
    return calls.post(ApiPaths.keyOperation(name, "emergency-rotate"),
        compromisedVersion == null ? null : new dev.rekey.api.EmergencyRotateRequest(compromisedVersion), KeyView.class);
  }

  /** Applies a lifecycle action to one version; for schedule-destroy see {@link #scheduleDestroy}. */
  public KeyView versionAction(String name, int version, VersionAction action) {
    if (action == VersionAction.SCHEDULE_DESTROY) {
      return scheduleDestroy(name, version, null);
    }
    return calls.post(ApiPaths.versionAction(name, version, action.wire()), null, KeyView.class);
  }

  /**
   * As {@link #versionAction(String, int, VersionAction)} ({@code pendingDays} for schedule-destroy); with {@code force} a retire, disable or
   * schedule-destroy proceeds even though consumers still use the version (the server audits it).
   */
  public KeyView versionAction(String name, int version, VersionAction action, Integer pendingDays, boolean force) {
    String path = WireText.pathWithQuery(ApiPaths.versionAction(name, version, action.wire()), "force", force ? "true" : null);
    return calls.post(path, action == VersionAction.SCHEDULE_DESTROY ? new ScheduleDestroyRequest(pendingDays) : null,
        KeyView.class);
  }

  /** Schedules destruction after {@code pendingDays} (null: the server's default). */
  public KeyView scheduleDestroy(String name, int version, Integer pendingDays) {
    return calls.post(ApiPaths.versionAction(name, version, VersionAction.SCHEDULE_DESTROY.wire()),
        new ScheduleDestroyRequest(pendingDays), KeyView.class);
  }

  // ---- encryption: the calls of encryption(), also here where existing callers use them ----

  /** See {@link EncryptionClient#encrypt}. */
  public EncryptResponse encrypt(String name, byte[] plaintext, byte[] context) {
    return encryption.encrypt(name, plaintext, context);
  }

  /** See {@link EncryptionClient#decrypt}. */
  public byte[] decrypt(String name, String ciphertext, byte[] context) {
    return encryption.decrypt(name, ciphertext, context);
  }

  /** See {@link EncryptionClient#rewrap}. */
  public EncryptResponse rewrap(String name, String ciphertext, byte[] context) {
    return encryption.rewrap(name, ciphertext, context);
  }

  /** See {@link EncryptionClient#emergencyRewrap}. */
  public EncryptResponse emergencyRewrap(String name, String ciphertext, byte[] context) {
    return encryption.emergencyRewrap(name, ciphertext, context);
  }

  /** See {@link EncryptionClient#encryptBatch}. */
  public List<EncryptResult> encryptBatch(String name, List<EncryptItem> items) {
    return encryption.encryptBatch(name, items);
  }

  /** See {@link EncryptionClient#decryptBatch}. */
  public List<DecryptResult> decryptBatch(String name, List<CiphertextItem> items) {
    return encryption.decryptBatch(name, items);
  }

  /** See {@link EncryptionClient#rewrapBatch}. */
  public List<EncryptResult> rewrapBatch(String name, List<CiphertextItem> items) {
    return encryption.rewrapBatch(name, items);
  }

  /** See {@link EncryptionClient#encryptItem}. */
  public static EncryptItem encryptItem(byte[] plaintext, byte[] context) {
    return EncryptionClient.encryptItem(plaintext, context);
  }

  /** See {@link EncryptionClient#ciphertextItem}. */
  public static CiphertextItem ciphertextItem(String ciphertext, byte[] context) {
    return EncryptionClient.ciphertextItem(ciphertext, context);
  }

  /** See {@link EncryptionClient#plaintextOf}. */
  public static byte[] plaintextOf(DecryptResult result) {
    return EncryptionClient.plaintextOf(result);
  }

  /** See {@link EncryptionClient#generateDataKey}. */
  public DataKey generateDataKey(String name, byte[] context) {
    return encryption.generateDataKey(name, context);
  }

  /** See {@link EncryptionClient#generateWrappedDataKey}. */
  public EncryptResponse generateWrappedDataKey(String name, byte[] context) {
    return encryption.generateWrappedDataKey(name, context);
  }

  // ---- audit ----

  /** Verifies the whole trail; when intact the answer's {@code anchor} is its newest signed checkpoint, to keep. */
  public AuditVerifyResponse verifyAudit() {
    return calls.get(ApiPaths.AUDIT_VERIFY, AuditVerifyResponse.class);
  }

  /**
   * Verifies the whole trail and that it still holds {@code anchor}, a checkpoint kept from an
   * earlier verify: a trail truncated before it, rewritten up to it, or whose checkpoint was
   * deleted, and an anchor of another server, all answer {@code valid: false}.
   */
  public AuditVerifyResponse verifyAudit(AuditAnchor anchor) {
    return calls.post(ApiPaths.AUDIT_VERIFY, new AuditVerifyRequest(anchor), AuditVerifyResponse.class);
  }

  /** Records from sequence number {@code from} (null: the first), at most {@code limit} (null: server default). */
  public AuditRecordList auditRecords(Long from, Integer limit) {
    return calls.get(auditRecordsPath(from, limit), AuditRecordList.class);
  }

  /** The query path of {@code GET /v1/audit/records}. */
  public static String auditRecordsPath(Long from, Integer limit) {
    return WireText.pathWithQuery(ApiPaths.AUDIT_RECORDS, "from", from, "limit", limit);
  }

  /**
   * Any request: the body (a rekey-api record or null) is sent as JSON, the 2xx answer returned
   * as a tree (null for an empty answer). For tools that print the server's JSON as is.
   */
  public JsonNode requestJson(String method, String path, Object body) {
    return transport.readTree(transport.send(method, path, namespace, body));
  }

  @Override
  public String toString() {
    return "RekeyClient[address=" + transport.base() + ", namespace=" + namespace + ", token=redacted]";
  }
}
