package dev.rekey.server.api;

import static dev.rekey.server.http.HandlerMode.BLOCKING;
import static dev.rekey.server.http.Endpoint.withoutBody;

import dev.rekey.api.CreateDekRequest;
import dev.rekey.api.DekList;
import dev.rekey.api.DekPlaintext;
import dev.rekey.api.DekVersionView;
import dev.rekey.api.DekView;
import dev.rekey.core.RekeyException;
import dev.rekey.core.auth.Action;
import dev.rekey.core.crypto.SecretAccess;
import dev.rekey.core.dek.DekService;
import dev.rekey.core.dek.StoredDek;
import dev.rekey.core.dek.UnwrappedDek;
import dev.rekey.server.http.ApiRouter;
import dev.rekey.server.http.Call;
import dev.rekey.server.http.Reply;
import io.vertx.core.http.HttpMethod;
import java.util.List;

/** Server-held tenant data keys under a KEK: create, rotate, metadata, and the key in the clear. */
public final class DekEndpoints {
  private final DekService deks;

  public DekEndpoints(DekService deks) {
    this.deks = deks;
  }

  public void register(ApiRouter r) {
    r.route(HttpMethod.POST, "/v1/keys/:name/deks", Action.DEK_CREATE, BLOCKING, this::create);
    r.route(HttpMethod.GET, "/v1/keys/:name/deks", Action.DEK_READ, BLOCKING, this::list);
    r.route(HttpMethod.GET, "/v1/keys/:name/deks/:tenant", Action.DEK_READ, BLOCKING, this::show);
    r.route(HttpMethod.POST, "/v1/keys/:name/deks/:tenant/rotate", Action.DEK_ROTATE, BLOCKING,
        withoutBody(this::rotate));
    r.route(HttpMethod.GET, "/v1/keys/:name/deks/:tenant/plaintext", Action.DEK_FETCH, BLOCKING, this::plaintext);
  }

  private Object create(Call c) {
    CreateDekRequest req = c.body(CreateDekRequest.class);
    if (req.tenant() == null) {
      throw RekeyException.invalid("field 'tenant' is required");
    }
    StoredDek d = deks.create(c.namespace(), c.keyName(), req.tenant());
    audit(c, d);
    return Reply.created(view(List.of(d)));
  }

  private Object list(Call c) {
    int limit = c.intQuery("limit", 100, 1, DekService.MAX_PAGE);
    List<StoredDek> page = deks.list(c.namespace(), c.keyName(), c.query("after"), limit);
    String next = page.size() == limit ? page.get(page.size() - 1).tenant() : null;
    return new DekList(page.stream().map(d -> view(List.of(d), false)).toList(), next);
  }

  private Object show(Call c) {
    List<StoredDek> versions = deks.versions(c.namespace(), c.keyName(), tenant(c));
    audit(c, versions.get(versions.size() - 1));
    return view(versions);
  }

  private Object rotate(Call c) {
    String tenant = tenant(c);
    StoredDek d = deks.rotate(c.namespace(), c.keyName(), tenant);
    audit(c, d);
    return view(deks.versions(c.namespace(), c.keyName(), tenant));
  }

  private Object plaintext(Call c) {
    String raw = c.query("version");
    Integer version = null;
    if (raw != null) {
      try {
        version = Integer.parseInt(raw);
      } catch (NumberFormatException e) {
        throw RekeyException.invalid("query parameter 'version' must be a positive integer");
      }
    }
    UnwrappedDek d = deks.fetch(c.namespace(), c.keyName(), tenant(c), version);
    try {
      StoredDek s = d.stored();
      audit(c, s);
      c.responseHeader("Cache-Control", "no-store");
      return new DekPlaintext(s.namespace(), s.kek(), s.tenant(), s.version(), s.kekVersion(),
          Call.encode(d.key().reveal(SecretAccess.get())));
    } finally {
      d.destroy();
    }
  }

  /** The tenant id from the path, checked. */
  private static String tenant(Call c) {
    return DekService.tenant(c.pathParam("tenant"));
  }

  /** The audit record names the KEK version; the tenant and DEK version go in the details (not secret). */
  private static void audit(Call c, StoredDek d) {
    c.auditVersion(d.kekVersion());
    c.auditDetails("{\"tenant\":\"" + d.tenant() + "\",\"dek_version\":" + d.version() + "}");
  }

  static DekView view(List<StoredDek> versions) {
    return view(versions, true);
  }

  private static DekView view(List<StoredDek> versions, boolean withVersions) {
    StoredDek latest = versions.get(versions.size() - 1);
    return new DekView(latest.namespace(), latest.kek(), latest.tenant(), latest.version(), latest.kekVersion(),
        Views.time(latest.createdAt()), withVersions ? versions.stream().map(v ->
            new DekVersionView(v.version(), v.kekVersion(), Views.time(v.createdAt()))).toList() : null);
  }
}
