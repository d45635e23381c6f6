package dev.rekey.core.service;

import dev.rekey.core.event.Event;
import dev.rekey.core.event.KeyEvents;
import dev.rekey.core.key.Key;
import dev.rekey.core.key.KeyVersion;
import dev.rekey.core.key.VersionState;
import dev.rekey.core.port.EventOutbox;
import dev.rekey.core.port.KeyRepository;
import dev.rekey.core.port.PromotionGate;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Adds key versions for {@link KeyService}: a rotation, promoted only once the key's consumers
 * validated the new version when its policy asks for that ({@link PromotionGate}), and an
 * emergency rotation, which replaces and revokes a compromised version at once.
 */
final class KeyRotator {
  private final KeyRepository keys;
  private final KeyWriter writer;
  private final EventOutbox outbox;
  private final Clock clock;
  private volatile PromotionGate promotionGate = PromotionGate.NONE;

  KeyRotator(KeyRepository keys, KeyWriter writer, EventOutbox outbox, Clock clock) {
    this.keys = keys;
    this.writer = writer;
    this.outbox = outbox;
    this.clock = clock;
  }

  void guardPromotion(PromotionGate gate) {
    this.promotionGate = gate;
  }

  /** See {@link KeyService#rotate}. */
  Key rotate(String namespace, String name, boolean promote) {
    boolean verify = promote && promotionGate.required(namespace, name);
    Key rotated = writer.change(namespace, name, k -> k.rotate(
        writer.newMaterial(namespace, name, k.latestVersion() + 1, k.type()), promote && !verify, clock.instant()));
    if (!verify) {
      return rotated;
    }
    int version = rotated.latestVersion();
    List<String> failed = promotionGate.validate(namespace, name, version);
    if (failed.isEmpty()) {
      return writer.change(namespace, name, k -> k.promote(version, clock.instant()));
    }
    Map<String, Object> data = new java.util.LinkedHashMap<>();
    data.put("key", name);
    data.put("version", version);
    data.put("reason", "consumer validation failed");
    data.put("consumers", String.join(",", failed));
    outbox.append(List.of(Event.of(dev.rekey.core.event.EventType.ROTATION_FAILED, clock.instant(), namespace,
        KeyEvents.subject(rotated, version), rotated.tags(), data)));
    return rotated;
  }

  /** See {@link KeyService#emergencyRotate(String, String, Integer)}. */
  KeyService.EmergencyRotation emergencyRotate(String namespace, String name, Integer version) {
    Key before = keys.find(namespace, name).orElseThrow(() -> KeyService.notFound(namespace, name));
    int compromised = version != null ? before.requireVersion(version).number() : before.primary().number();
    // set on every attempt: whether it revokes depends on the key as that attempt read it
    AtomicBoolean revoked = new AtomicBoolean();
    Key key = writer.change(namespace, name, k -> {
      KeyVersion v = k.requireVersion(compromised);
      revoked.set(v.revokedAt() == null && v.state() != VersionState.DESTROYED);
      if (v.state() == VersionState.PRIMARY) {
        return k.emergencyRotate(writer.newMaterial(namespace, name, k.latestVersion() + 1, k.type()),
            clock.instant());
      }
      if (!revoked.get()) {
        return k;
      }
      return k.revoke(compromised, clock.instant());
    });
    return new KeyService.EmergencyRotation(key, compromised, revoked.get());
  }
}
