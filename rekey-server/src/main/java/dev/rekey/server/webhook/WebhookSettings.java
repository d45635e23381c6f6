package dev.rekey.server.webhook;

import dev.rekey.core.webhook.Backoff;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.function.Function;

/**
 * Webhook delivery settings: the retry bound ({@code REKEY_WEBHOOK_MAX_ATTEMPTS}, default 12), the
 * first and the largest retry delay ({@code REKEY_WEBHOOK_INITIAL_DELAY}, default PT5S;
 * {@code REKEY_WEBHOOK_MAX_DELAY}, default PT1H), the per-request timeout
 * ({@code REKEY_WEBHOOK_TIMEOUT}, default PT10S), how often the outbox is polled
 * ({@code REKEY_WEBHOOK_POLL}, default PT1S) and how many requests run at once
 * ({@code REKEY_WEBHOOK_SENDERS}, default 4). Durations are ISO-8601.
 */
public record WebhookSettings(Backoff backoff, Duration timeout, Duration poll, int senders) {
  public static final WebhookSettings DEFAULTS =
      new WebhookSettings(Backoff.DEFAULT, Duration.ofSeconds(10), Duration.ofSeconds(1), 4);

  public WebhookSettings {
    if (timeout.isNegative() || timeout.isZero() || poll.isNegative() || poll.isZero()) {
      throw new IllegalArgumentException("webhook timeout and poll interval must be positive");
    }
    if (senders < 1 || senders > 64) {
      throw new IllegalArgumentException("REKEY_WEBHOOK_SENDERS must be between 1 and 64");
    }
  }

  /**
   * How long a claimed delivery or consumer-hook call is leased: comfortably longer than one
   * attempt, so a live node never loses it mid-request (another node would send it again). An
   * attempt waits at most the timeout for the host lookup, then at most the timeout again for the
   * request, besides reading the event and unwrapping the signing secret: twice the timeout, plus
   * one more timeout and 10 s to spare.
   */
  public Duration lease() {
    return timeout.multipliedBy(3).plusSeconds(10);
  }

  public static WebhookSettings fromEnvironment() {
    return from(System.getenv()::get);
  }

  public static WebhookSettings from(Map<String, String> values) {
    return from(values::get);
  }

  static WebhookSettings from(Function<String, String> env) {
    Backoff backoff = new Backoff(duration(env, "REKEY_WEBHOOK_INITIAL_DELAY", DEFAULTS.backoff().initialDelay()),
        duration(env, "REKEY_WEBHOOK_MAX_DELAY", DEFAULTS.backoff().maxDelay()),
        integer(env, "REKEY_WEBHOOK_MAX_ATTEMPTS", DEFAULTS.backoff().maxAttempts()));
    return new WebhookSettings(backoff, duration(env, "REKEY_WEBHOOK_TIMEOUT", DEFAULTS.timeout()),
        duration(env, "REKEY_WEBHOOK_POLL", DEFAULTS.poll()), integer(env, "REKEY_WEBHOOK_SENDERS", DEFAULTS.senders()));
  }

  private static Duration duration(Function<String, String> env, String name, Duration fallback) {
    String v = env.apply(name);
    if (v == null || v.isBlank()) {
      return fallback;
    }
    try {
      return Duration.parse(v.trim());
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(name + " must be an ISO-8601 duration such as PT30S, got '" + v + "'");
    }
  }

  private static int integer(Function<String, String> env, String name, int fallback) {
    String v = env.apply(name);
    if (v == null || v.isBlank()) {
      return fallback;
    }
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be an integer, got '" + v + "'");
    }
  }
}
