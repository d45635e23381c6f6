package dev.rekey.core.audit;

import java.util.function.Function;

/**
 * The outcome of a write that committed together with its own audit record
 * ({@link AuditLog#submitWrite}): the write's {@code value}, or the {@code failure} it was refused
 * with (its changes rolled back, its audit record saying so). Either way the record is durable.
 */
public record Audited<T>(T value, Throwable failure) {

  /** This outcome with {@code f} applied to a successful value; a failure stays as it is. */
  public <R> Audited<R> map(Function<? super T, ? extends R> f) {
    return failure != null ? new Audited<>(null, failure) : new Audited<>(f.apply(value), null);
  }

  @Override
  public String toString() {
    return failure == null ? "Audited[ok]" : "Audited[failed: " + failure.getClass().getSimpleName() + "]";
  }
}
