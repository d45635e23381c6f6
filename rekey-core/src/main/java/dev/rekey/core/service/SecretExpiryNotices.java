package dev.rekey.core.service;

import dev.rekey.core.event.Event;
import dev.rekey.core.event.EventType;
import dev.rekey.core.key.VersionState;
import dev.rekey.core.port.EventOutbox;
import dev.rekey.core.port.SecretRepository;
import dev.rekey.core.port.Transactions;
import dev.rekey.core.secret.Secret;
import dev.rekey.core.secret.SecretExpiry;
import dev.rekey.core.secret.SecretVersion;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Emits {@code SecretNearExpiry} (30, 7 and 1 days before) and {@code SecretExpired} once per
 * version and threshold, also after downtime (missed thresholds fire late, in order). Only
 * readable versions that clients may hold (CURRENT, PREVIOUS, PENDING) are announced; the notice
 * and its events are stored in one transaction, conditional on the notice still being due, so
 * with several nodes each fires once.
 */
public final class SecretExpiryNotices {
  private final SecretRepository secrets;
  private final Transactions transactions;
  private final EventOutbox outbox;
  private final Clock clock;

  public SecretExpiryNotices(SecretRepository secrets, Transactions transactions, EventOutbox outbox, Clock clock) {
    this.secrets = secrets;
    this.transactions = transactions;
    this.outbox = outbox;
    this.clock = clock;
  }

  /** Fires what is due; returns the number of events emitted. */
  public int runDue(int limit) {
    Instant now = clock.instant();
    int emitted = 0;
    for (SecretRepository.NoticeDue due : secrets.dueNotices(now, limit)) {
      emitted += fire(due, now);
    }
    return emitted;
  }

  private int fire(SecretRepository.NoticeDue due, Instant now) {
    Optional<Secret> secret = secrets.find(due.namespace(), due.secret());
    boolean announce = secret.isPresent() && announced(secret.get().requireVersion(due.version()).state());
    List<Event> events = new ArrayList<>();
    Instant notice = due.noticeAt();
    while (notice != null && !notice.isAfter(now)) {
      if (announce) {
        events.add(event(secret.get(), due, notice));
      }
      notice = SecretExpiry.nextNotice(due.expiresAt(), notice);
    }
    Instant next = announce ? notice : null;
    return transactions.inTransaction(() -> {
      if (!secrets.advanceNotice(due.namespace(), due.secret(), due.version(), due.noticeAt(), next)) {
        return 0;
      }
      outbox.append(events);
      return events.size();
    });
  }

  private static boolean announced(VersionState state) {
    return state == VersionState.PRIMARY || state == VersionState.ACTIVE || state == VersionState.PENDING;
  }

  private Event event(Secret s, SecretRepository.NoticeDue due, Instant notice) {
    Duration threshold = SecretExpiry.thresholdOf(due.expiresAt(), notice);
    SecretVersion v = s.requireVersion(due.version());
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("secret", s.name());
    data.put("version", v.number());
    data.put("labels", String.join(",", s.labelsOf(v.number())));
    data.put("expires_at", due.expiresAt().toString());
    if (threshold != null) {
      data.put("threshold", "P" + threshold.toDays() + "D");
    }
    return Event.of(threshold != null ? EventType.SECRET_NEAR_EXPIRY : EventType.SECRET_EXPIRED, clock.instant(),
        s.namespace(), "secrets/" + s.name() + "/versions/" + v.number(), s.tags(), data);
  }
}
