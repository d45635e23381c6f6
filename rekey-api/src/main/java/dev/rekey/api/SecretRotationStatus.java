package dev.rekey.api;

import java.util.List;

/** {@code GET /v1/secrets/{name}/rotation}: the configuration and the latest runs, newest first. */
public record SecretRotationStatus(SecretRotationConfigView config, List<SecretRotationView> rotations) {}
