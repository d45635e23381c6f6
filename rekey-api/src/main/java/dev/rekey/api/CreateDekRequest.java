package dev.rekey.api;

/** {@code POST /v1/keys/{name}/deks}: creates version 1 of a tenant's server-held data key under the key. */
public record CreateDekRequest(String tenant) {}
