package dev.rekey.core.event;

import java.util.Arrays;
import java.util.Optional;

/**
 * What happened, named as users know it from Azure Event Grid. The CloudEvents {@code type} is
 * {@code dev.rekey.<name>}; subscriptions filter by the short name.
 */
public enum EventType {
  KEY_NEW_VERSION_CREATED("KeyNewVersionCreated"),
  KEY_VERSION_STATE_CHANGED("KeyVersionStateChanged"),
  KEY_NEAR_EXPIRY("KeyNearExpiry"),
  KEY_EXPIRED("KeyExpired"),
  ROTATION_FAILED("RotationFailed"),
  REWRAP_CAMPAIGN_COMPLETED("RewrapCampaignCompleted"),
  SECRET_NEW_VERSION_CREATED("SecretNewVersionCreated"),
  SECRET_VERSION_STATE_CHANGED("SecretVersionStateChanged"),
  SECRET_NEAR_EXPIRY("SecretNearExpiry"),
  SECRET_EXPIRED("SecretExpired"),
  CONSUMER_ROTATION_OVERDUE("ConsumerRotationOverdue"),
  CONSUMER_ROTATION_COMPLETED("ConsumerRotationCompleted"),
  APPROVAL_REQUESTED("ApprovalRequested"),
  APPROVAL_STATE_CHANGED("ApprovalStateChanged");

  public static final String CLOUD_EVENT_PREFIX = "dev.rekey.";

  private final String shortName;

  EventType(String shortName) {
    this.shortName = shortName;
  }

  public String shortName() {
    return shortName;
  }

  public String cloudEventType() {
    return CLOUD_EVENT_PREFIX + shortName;
  }

  /** By short name ({@code KeyNewVersionCreated}) or CloudEvents type ({@code dev.rekey.KeyNewVersionCreated}). */
  public static Optional<EventType> fromName(String name) {
    String shortName = name != null && name.startsWith(CLOUD_EVENT_PREFIX) ? name.substring(CLOUD_EVENT_PREFIX.length()) : name;
    return Arrays.stream(values()).filter(t -> t.shortName.equals(shortName)).findFirst();
  }
}
