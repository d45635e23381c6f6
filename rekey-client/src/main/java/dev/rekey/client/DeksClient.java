package dev.rekey.client;

import dev.rekey.api.ApiPaths;
import dev.rekey.api.CreateDekRequest;
import dev.rekey.api.DekList;
import dev.rekey.api.DekPlaintext;
import dev.rekey.api.DekView;

/**
 * Tenants' data keys held by the server, wrapped under a key ({@code client.deks()}). Unlike
 * {@link RekeyClient#generateDataKey}, the server stores these and hands out their plaintext on
 * request. Shares the connection, token and namespace of the {@link RekeyClient} it came from.
 */
public final class DeksClient {
  private final ApiCalls calls;

  DeksClient(ApiCalls calls) {
    this.calls = calls;
  }

  /** Creates version 1 of {@code tenant}'s data key under the key {@code name} (metadata only in the answer). */
  public DekView create(String name, String tenant) {
    return calls.post(ApiPaths.deks(name), new CreateDekRequest(tenant), DekView.class);
  }

  /** Every version of the tenant's data key (metadata). */
  public DekView get(String name, String tenant) {
    return calls.get(ApiPaths.dek(name, tenant), DekView.class);
  }

  /** Adds a new version of the tenant's data key; it becomes the one fetched by default. */
  public DekView rotate(String name, String tenant) {
    return calls.post(ApiPaths.dek(name, tenant) + "/rotate", null, DekView.class);
  }

  /** One page of tenants' data keys under the key, after tenant {@code after} (null: from the start). */
  public DekList list(String name, String after, Integer limit) {
    return calls.get(WireText.pathWithQuery(ApiPaths.deks(name), "after", after, "limit", limit), DekList.class);
  }

  /** The tenant's data key in the clear: the latest version, or {@code version}. */
  public DekPlaintext fetch(String name, String tenant, Integer version) {
    return calls.get(ApiPaths.dek(name, tenant) + "/plaintext" + (version == null ? "" : "?version=" + version),
        DekPlaintext.class);
  }

  /** The key bytes of a fetched data key; the caller owns (and should wipe) the array. */
  public static byte[] bytesOf(DekPlaintext dek) {
    return WireText.unb64(dek.plaintext());
  }
}
