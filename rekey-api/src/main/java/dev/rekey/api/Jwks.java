package dev.rekey.api;

import java.util.List;
import java.util.Map;

/**
 * A JSON Web Key Set ({@code GET /v1/jwks/{namespace}[/{name}]}, no token): the public keys a
 * verifier should know, each with {@code kid} {@code <name>-v<version>}.
 */
public record Jwks(List<Map<String, Object>> keys) {}
