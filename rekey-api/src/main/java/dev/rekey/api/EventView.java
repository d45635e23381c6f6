package dev.rekey.api;

import java.util.Map;

/**
 * A lifecycle event from the outbox: {@code type} is the short name ({@code KeyNewVersionCreated});
 * the CloudEvents type is {@code dev.rekey.<type>}. {@code seq} orders events and pages the list.
 */
public record EventView(
    long seq,
    String id,
    String type,
    String time,
    String namespace,
    String subject,
    Map<String, String> tags,
    Map<String, Object> data) {}
