package dev.rekey.server.http;

/**
 * An answer built on the request's context when it is sent, not where its work completed: a
 * handler whose work completes on the audit writer's thread ({@code AuditLog.submitWrite}) returns
 * one so that turning the stored value into its view and JSON does not hold up the next group commit.
 */
@FunctionalInterface
public interface Rendered {
  /** The body, or a {@link Reply}; runs on the request's context. */
  Object render();
}
