package dev.rekey.api;

/** Body of the {@code schedule-destroy} version action; null means the server's default waiting period. */
public record ScheduleDestroyRequest(Integer pendingDays) {}
