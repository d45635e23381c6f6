package dev.rekey.core.service;

import static dev.rekey.core.service.Services.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import dev.rekey.core.event.Event;
import dev.rekey.core.event.EventType;
import dev.rekey.core.key.VersionState;
import dev.rekey.core.port.Transactions;
import dev.rekey.core.secret.Secret;
import dev.rekey.core.secret.rotation.DualKeyRotator;
import dev.rekey.core.secret.rotation.GeneratedRotator;
import dev.rekey.core.secret.rotation.RotationConfig;
import dev.rekey.core.secret.rotation.RotationStatus;
import dev.rekey.core.secret.rotation.RotationStep;
import dev.rekey.core.secret.rotation.SecretRotation;
import dev.rekey.core.secret.rotation.SecretRotator;
import dev.rekey.core.secret.rotation.WebhookHmacRotator;
import dev.rekey.core.testing.InMemoryEventOutbox;
import dev.rekey.core.testing.InMemorySecretRepository;
import dev.rekey.core.testing.InMemorySecretRotationRepository;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The rotation protocol: steps in order, CURRENT untouched until FINISH, failures retried with
 * backoff and RotationFailed, abandonment that never blocks the next rotation, schedules.
 */
class SecretRotationServiceTest {
  private final Services s = new Services();
  private final InMemorySecretRepository repo = new InMemorySecretRepository();
  private final InMemoryEventOutbox events = new InMemoryEventOutbox();
  private final SecretService secrets = new SecretService(repo, Transactions.direct(), events, () -> s.ring, s.clock,
      Duration.ofDays(7));
  private final InMemorySecretRotationRepository runs = new InMemorySecretRotationRepository();
  private final Target target = new Target();
  private final AdminUser adminUser = new AdminUser();
  private final SecretRotationService rotation = new SecretRotationService(secrets, runs, Transactions.direct(),
      events, List.of(new GeneratedRotator(), new DualKeyRotator(), new WebhookHmacRotator(), target, adminUser),
      s.clock, "node-1", Duration.ofHours(1));

  /** A caller allowed to read every secret. */
  static final SecretRotationService.SecretReadAccess ANYONE = (namespace, secret) -> true;

  /**
   * A rotator that, like the PostgreSQL one, reads the secret its {@code admin_secret} parameter
   * names during SET; {@code read} is the name it actually asks for (the declared one by default).
   */
  static final class AdminUser implements SecretRotator {
    final List<String> seen = new ArrayList<>();
    String read;

    @Override
    public String type() {
      return "admin-user";
    }

    @Override
    public Set<String> secretParams() {
      return Set.of("admin_secret");
    }

    @Override
    public byte[] create(Input in) {
      return "next".getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void set(Input in, byte[] pending) {
      String name = read != null ? read : in.requiredParam("admin_secret");
      seen.add(new String(in.otherSecret().apply(name), StandardCharsets.UTF_8));
    }
  }

  /** A target system for the engine: it records what it was given and can refuse a step a number of times. */
  static final class Target implements SecretRotator {
    final List<String> calls = new ArrayList<>();
    String accepted;
    int failSet;
    int failTest;

    @Override
    public String type() {
      return "target";
    }

    @Override
    public byte[] create(Input in) {
      calls.add("create");
      return ("v-" + calls.size()).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void set(Input in, byte[] pending) {
      calls.add("set");
      if (failSet-- > 0) {
        throw new IllegalStateException("target refused the password");
      }
      accepted = new String(pending, StandardCharsets.UTF_8);
    }

    @Override
    public void test(Input in, byte[] pending) {
      calls.add("test");
      if (failTest-- > 0 || !new String(pending, StandardCharsets.UTF_8).equals(accepted)) {
        throw new IllegalStateException("login with the new password failed");
      }
    }
  }

  /**
   * A target system whose SET takes {@code takes} of the test clock (advanced inside the step),
   * while it declares steps of up to {@code declared}; {@code during} runs once, inside the next SET,
   * after the clock moved: what another node does meanwhile.
   */
  final class Slow implements SecretRotator {
    final List<String> calls = new ArrayList<>();
    final Duration takes;
    final Duration declared;
    Runnable during = () -> {};

    Slow(Duration takes, Duration declared) {
      this.takes = takes;
      this.declared = declared;
    }

    @Override
    public String type() {
      return "slow";
    }

    @Override
    public Duration maxStepDuration(Map<String, String> params) {
      return declared;
    }

    @Override
    public byte[] create(Input in) {
      calls.add("create " + in.secret());
      return ("new-" + in.secret()).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void set(Input in, byte[] pending) {
      calls.add("set " + in.secret());
      s.clock.advance(takes);
      Runnable meanwhile = during;
      during = () -> {};
      meanwhile.run();
    }

    @Override
    public void test(Input in, byte[] pending) {
      calls.add("test " + in.secret());
    }
  }

  /** A secret {@code name} configured for the "slow" rotator, and a manual rotation of it started on {@code node}. */
  private SecretRotation startSlowRotation(SecretRotationService node, String name) {
    secrets.put(NS, name, "initial".getBytes(StandardCharsets.UTF_8), SecretService.PutOptions.DEFAULT);
    node.configure(new RotationConfig(NS, name, "slow", Map.of(), null, null, null), ANYONE);
    return node.rotate(NS, name, "manual");
  }

  private SecretRotationService node(String id, SecretRotator... rotators) {
    return new SecretRotationService(secrets, runs, Transactions.direct(), events, List.of(rotators), s.clock, id,
        Duration.ofHours(1));
  }

  @Test
  void aSetStepLongerThanTheClaimsLease_keepsTheRotation_becauseTheLeaseIsRenewedForTheStep() {
    // each node has its own rotator; the second node's steps take no time
    Slow slow = new Slow(SecretRotationSteps.LEASE.plusMinutes(3), Duration.ofMinutes(6));
    Slow otherSlow = new Slow(Duration.ZERO, Duration.ofMinutes(6));
    SecretRotationService first = node("node-1", slow);
    SecretRotationService second = node("node-2", otherSlow);
    SecretRotation started = startSlowRotation(first, "db");
    int[] secondSteps = {-1};
    slow.during = () -> secondSteps[0] = second.runDue(10);

    assertThat(first.runDue(10)).as("steps the first node ran").isEqualTo(4);

    assertThat(secondSteps[0]).as("steps the second node ran while the first was in SET").isZero();
    assertThat(slow.calls).containsExactly("create db", "set db", "test db");
    assertThat(otherSlow.calls).isEmpty();
    assertThat(first.rotation(started.id()).status()).isEqualTo(RotationStatus.SUCCEEDED);
    assertThat(current("db")).isEqualTo("new-db");
    assertThat(events.ofType(EventType.ROTATION_FAILED)).isEmpty();
  }

  @Test
  void rotationsOfOneTick_areClaimedOneAtATime_soTheLaterOnesDoNotWaitUnderAnExpiringLease() {
    Slow slow = new Slow(SecretRotationSteps.LEASE.plusMinutes(3), Duration.ofMinutes(6));
    Slow otherSlow = new Slow(Duration.ZERO, Duration.ofMinutes(6));
    SecretRotationService first = node("node-1", slow);
    SecretRotationService second = node("node-2", otherSlow);
    for (String name : List.of("a", "b")) {
      startSlowRotation(first, name);
    }
    // while the first node is in one rotation's SET, the second node takes the other one
    slow.during = () -> second.runDue(10);

    first.runDue(10);

    assertThat(slow.calls).as("the first node: the rotation it claimed first, each step once")
        .containsExactly("create a", "set a", "test a");
    assertThat(otherSlow.calls).as("the second node: the other one, which the first had not claimed")
        .containsExactly("create b", "set b", "test b");
    assertThat(current("a")).isEqualTo("new-a");
    assertThat(current("b")).isEqualTo("new-b");
    assertThat(runs.runningOrFailed(10)).isEmpty();
  }

  @Test
  void aTick_claimsNoFurtherRotation_onceStopSaysSo_orItsBudgetHasPassed() {
    Slow slow = new Slow(SecretRotationSteps.TICK_BUDGET.plusSeconds(1), Duration.ofMinutes(6));
    SecretRotationService node = node("node-1", slow);
    for (String name : List.of("a", "b", "c")) {
      startSlowRotation(node, name);
    }

    assertThat(node.runDue(10, () -> true)).as("stopped before the first claim").isZero();
    node.runDue(10);
    assertThat(slow.calls).as("the budget passed during the first rotation: no second one this tick")
        .containsExactly("create a", "set a", "test a");
    node.runDue(10);
    assertThat(slow.calls).hasSize(6);
    assertThat(current("a")).isEqualTo("new-a");
    assertThat(current("b")).isEqualTo("new-b");
  }

  @Test
  void aStepThatOutlivesEvenItsRenewedLease_isLeftToTheNodeThatTookItOver() {
    // the rotator says a step takes at most a minute, yet its SET takes ten
    Slow slow = new Slow(Duration.ofMinutes(10), Duration.ofMinutes(1));
    Slow otherSlow = new Slow(Duration.ZERO, Duration.ofMinutes(1));
    SecretRotationService first = node("node-1", slow);
    SecretRotationService second = node("node-2", otherSlow);
    SecretRotation started = startSlowRotation(first, "db");
    int[] secondSteps = {-1};
    slow.during = () -> secondSteps[0] = second.runDue(10);

    assertThat(first.runDue(10)).as("the first node stores no step after losing the lease").isEqualTo(1);

    assertThat(secondSteps[0]).as("the second node took it over and finished it").isEqualTo(3);
    assertThat(otherSlow.calls).containsExactly("set db", "test db");
    assertThat(first.rotation(started.id()).status()).isEqualTo(RotationStatus.SUCCEEDED);
  }

  @Test
  void stepLease_outlastsTheRotatorsLongestStep_andIsNeverShorterThanTheClaim() {
    RotationConfig config = new RotationConfig(NS, "db", "slow", Map.of(), null, null, null);
    assertThat(SecretRotationSteps.stepLease(new GeneratedRotator(), config)).isEqualTo(SecretRotationSteps.LEASE);
    assertThat(SecretRotationSteps.stepLease(new Slow(Duration.ZERO, Duration.ofMinutes(6)), config))
        .isEqualTo(Duration.ofMinutes(6).plus(SecretRotationSteps.STEP_MARGIN));
  }

  private String current(String name) {
    return new String(secrets.read(NS, name, null, null).value(), StandardCharsets.UTF_8);
  }

  private void configure(String name, String rotator, Map<String, String> params, Duration period) {
    rotation.configure(new RotationConfig(NS, name, rotator, params, period, null, null), ANYONE);
  }

  /** A put whose CURRENT expires before the next scheduled start moves the start to "before expiry". */
  @Test
  void reschedule_afterAPut_movesTheNextStartBeforeTheNewExpiry_andNeverLater() {
    secrets.put(NS, "db", "initial".getBytes(StandardCharsets.UTF_8), SecretService.PutOptions.DEFAULT);
    rotation.configure(new RotationConfig(NS, "db", "target", Map.of(), Duration.ofDays(30), Duration.ofDays(7), null),
        ANYONE);
    Instant scheduled = rotation.config(NS, "db").nextDueAt();

    Secret noExpiry = secrets.put(NS, "db", "two".getBytes(StandardCharsets.UTF_8), SecretService.PutOptions.DEFAULT);
    rotation.reschedule(noExpiry);
    assertThat(rotation.config(NS, "db").nextDueAt()).isEqualTo(scheduled);

    Secret expiring = secrets.put(NS, "db", "three".getBytes(StandardCharsets.UTF_8),
        new SecretService.PutOptions(null, null, Duration.ofDays(10), false, null));
    rotation.reschedule(expiring);
    assertThat(rotation.config(NS, "db").nextDueAt()).isEqualTo(s.clock.instant().plus(Duration.ofDays(3)));

    Secret later = secrets.put(NS, "db", "four".getBytes(StandardCharsets.UTF_8),
        new SecretService.PutOptions(null, null, Duration.ofDays(20), false, null));
    rotation.reschedule(later);
    assertThat(rotation.config(NS, "db").nextDueAt()).isEqualTo(s.clock.instant().plus(Duration.ofDays(3)));
  }

  @Test
  void rotate_runsCreateSetTestFinish_andMovesCurrentOnlyAtTheEnd() {
    secrets.put(NS, "db", "initial".getBytes(StandardCharsets.UTF_8), SecretService.PutOptions.DEFAULT);
    configure("db", "target", Map.of(), null);

    SecretRotation started = rotation.rotate(NS, "db", "manual");
    assertThat(rotation.rotate(NS, "db", "manual").id()).isEqualTo(started.id());
    assertThat(current("db")).isEqualTo("initial");
    rotation.runDue(10);

    SecretRotation done = rotation.rotation(started.id());
    assertThat(done.status()).isEqualTo(RotationStatus.SUCCEEDED);
    assertThat(target.calls).containsExactly("create", "set", "test");
    assertThat(current("db")).isEqualTo(target.accepted);
    assertThat(new String(secrets.read(NS, "db", "PREVIOUS", null).value(), StandardCharsets.UTF_8)).isEqualTo("initial");
  }

  @Test
  void recover_releasesTheLeasesOfThePreviousProcess_notThoseOfOtherNodes() {
    secrets.put(NS, "db", "initial".getBytes(StandardCharsets.UTF_8), SecretService.PutOptions.DEFAULT);
    secrets.put(NS, "api", "initial".getBytes(StandardCharsets.UTF_8), SecretService.PutOptions.DEFAULT);
    configure("db", "target", Map.of(), null);
    configure("api", "target", Map.of(), null);
    SecretRotation crashed = rotation.rotate(NS, "db", "manual");
    SecretRotation elsewhere = rotation.rotate(NS, "api", "manual");
    Instant until = s.clock.instant().plus(Duration.ofHours(1));
    runs.claimDue(s.clock.instant(), "host/previous-start", until, 10).forEach(r -> {
      if (r.id().equals(elsewhere.id())) {
        runs.release(r.id(), "host/previous-start");
      }
    });
    runs.claimDue(s.clock.instant(), "other-host/running", until, 10);
    assertThat(rotation.runDue(10)).as("both leased by others").isZero();

    assertThat(rotation.recover("host/previous-start")).isEqualTo(1);

    rotation.runDue(10);
    assertThat(rotation.rotation(crashed.id()).status()).isEqualTo(RotationStatus.SUCCEEDED);
    assertThat(rotation.rotation(elsewhere.id()).status()).as("another node's lease is left alone")
        .isNotEqualTo(RotationStatus.SUCCEEDED);
  }

  @Test
  void failingStep_keepsCurrent_emitsRotationFailed_andRetriesWithBackoff() {
    secrets.put(NS, "db", "initial".getBytes(StandardCharsets.UTF_8), SecretService.PutOptions.DEFAULT);
    configure("db", "target", Map.of(), null);
    target.failTest = 2;
    SecretRotation r = rotation.rotate(NS, "db", "manual");

    rotation.runDue(10);
    SecretRotation failed = rotation.rotation(r.id());
    assertThat(failed.step()).isEqualTo(RotationStep.TEST);
    assertThat(failed.lastError()).contains("login with the new password failed");
    assertThat(current("db")).isEqualTo("initial");
    Event event = events.ofType(EventType.ROTATION_FAILED).get(0);
    assertThat(event.data()).containsEntry("step", "TEST").containsEntry("failures", 1);
    assertThat(event.toString()).doesNotContain("v-1");

    rotation.runDue(10); // not due yet: nothing happens
    assertThat(rotation.rotation(r.id()).failures()).isEqualTo(1);
    s.clock.advance(SecretRotationService.retryDelay(1));
    rotation.runDue(10);
    s.clock.advance(SecretRotationService.retryDelay(2));
    rotation.runDue(10);

    assertThat(rotation.rotation(r.id()).status()).isEqualTo(RotationStatus.SUCCEEDED);
    assertThat(current("db")).isEqualTo(target.accepted);
    assertThat(target.calls).containsExactly("create", "set", "test", "test", "test");
  }

  @Test
  void exhaustedRetries_abandon_disableThePending_andTheNextRotationStartsClean() {
    secrets.put(NS, "db", "initial".getBytes(StandardCharsets.UTF_8), SecretService.PutOptions.DEFAULT);
    configure("db", "target", Map.of(), null);
    target.failSet = SecretRotationService.MAX_FAILURES;
    SecretRotation r = rotation.rotate(NS, "db", "manual");
    for (int i = 1; i <= SecretRotationService.MAX_FAILURES; i++) {
      rotation.runDue(10);
      s.clock.advance(SecretRotationService.retryDelay(i));
    }

    assertThat(rotation.rotation(r.id()).status()).isEqualTo(RotationStatus.ABANDONED);
    Secret after = secrets.get(NS, "db");
    assertThat(after.pending()).isEmpty();
    assertThat(after.requireVersion(2).state()).isEqualTo(VersionState.DISABLED);
    assertThat(current("db")).isEqualTo("initial");

    SecretRotation next = rotation.rotate(NS, "db", "manual");
    rotation.runDue(10);
    assertThat(rotation.rotation(next.id()).status()).isEqualTo(RotationStatus.SUCCEEDED);
    assertThat(current("db")).isEqualTo(target.accepted);
  }

  @Test
  void schedule_startsARotationEachPeriod_onceAfterDowntime() {
    secrets.put(NS, "api", "k0".getBytes(StandardCharsets.UTF_8), SecretService.PutOptions.DEFAULT);
    configure("api", GeneratedRotator.TYPE, Map.of("length", "40", "charset", "hex", "prefix", "sk_"), Duration.ofDays(30));

    rotation.runDue(10);
    assertThat(secrets.get(NS, "api").latestVersion()).isEqualTo(1);
    s.clock.advance(Duration.ofDays(95)); // three periods missed
    rotation.runDue(10);
    rotation.runDue(10);

    assertThat(secrets.get(NS, "api").latestVersion()).isEqualTo(2);
    assertThat(current("api")).matches("sk_[0-9a-f]{40}");
    assertThat(runs.config(NS, "api").orElseThrow().nextDueAt()).isEqualTo(s.clock.instant().plus(Duration.ofDays(30)));
  }

  @Test
  void nearExpiry_startsARotationLeadTimeBeforeCurrentExpires_andTheNewValueGetsItsTtl() {
    secrets.put(NS, "token", "t0".getBytes(StandardCharsets.UTF_8),
        new SecretService.PutOptions(null, null, Duration.ofDays(30), false, null));
    rotation.configure(new RotationConfig(NS, "token", GeneratedRotator.TYPE, Map.of("ttl", "P30D"), null,
        Duration.ofDays(7), null), ANYONE);

    s.clock.advance(Duration.ofDays(22));
    rotation.runDue(10);
    assertThat(secrets.get(NS, "token").latestVersion()).isEqualTo(1);
    s.clock.advance(Duration.ofDays(1));
    rotation.runDue(10);

    Secret rotated = secrets.get(NS, "token");
    assertThat(rotated.latestVersion()).isEqualTo(2);
    assertThat(rotated.current().expiresAt()).isEqualTo(s.clock.instant().plus(Duration.ofDays(30)));
    assertThat(rotation.history(NS, "token", 5).get(0).trigger()).isEqualTo("near-expiry");
    assertThat(runs.config(NS, "token").orElseThrow().nextDueAt())
        .isEqualTo(rotated.current().expiresAt().minus(Duration.ofDays(7)));
  }

  @Test
  void dualKey_alternates_soTheKeyFromThePreviousCurrentStaysInTheNewValue() {
    secrets.put(NS, "bus", "bootstrap".getBytes(StandardCharsets.UTF_8), SecretService.PutOptions.DEFAULT);
    configure("bus", DualKeyRotator.TYPE, Map.of(), null);
    String held = null;
    for (int i = 0; i < 5; i++) {
      rotation.rotate(NS, "bus", "manual");
      rotation.runDue(10);
      byte[] value = secrets.read(NS, "bus", null, null).value();
      Map<String, Object> doc = DualKeyRotator.parse(value);
      assertThat(doc).isNotNull();
      if (held != null) {
        assertThat(doc.values()).contains(held);
      }
      held = DualKeyRotator.activeKey(value);
    }
  }

  @Test
  void webhookHmac_createsStandardWebhooksSecrets() {
    secrets.put(NS, "hook", "whsec_AAAA".getBytes(StandardCharsets.UTF_8), SecretService.PutOptions.DEFAULT);
    configure("hook", WebhookHmacRotator.TYPE, Map.of("grace", "PT6H"), null);
    rotation.rotate(NS, "hook", "manual");
    rotation.runDue(10);

    assertThat(current("hook")).startsWith("whsec_");
    assertThat(WebhookHmacRotator.keyBytes(secrets.read(NS, "hook", null, null).value())).hasSize(32);
  }

  @Test
  void configure_rejectsUnknownRotatorsAndBadParameters_namingTheField() {
    secrets.put(NS, "db", "x".getBytes(StandardCharsets.UTF_8), SecretService.PutOptions.DEFAULT);
    assertThatThrownBy(() -> configure("db", "nope", Map.of(), null)).hasMessageContaining("unknown rotator 'nope'");
    assertThatThrownBy(() -> configure("db", GeneratedRotator.TYPE, Map.of("length", "4"), null))
        .hasMessageContaining("'length'");
    assertThatThrownBy(() -> configure("db", WebhookHmacRotator.TYPE, Map.of("grace", "soon"), null))
        .hasMessageContaining("'grace'");
  }

  @Test
  void configure_paramNamesASecretTheCallerMayNotRead_isForbidden_andNothingIsStored() {
    secrets.put(NS, "app-db", "x".getBytes(StandardCharsets.UTF_8), SecretService.PutOptions.DEFAULT);
    secrets.put(NS, "prod-admin", "root-password".getBytes(StandardCharsets.UTF_8), SecretService.PutOptions.DEFAULT);
    SecretRotationService.SecretReadAccess appOnly = (namespace, secret) -> secret.startsWith("app-");

    assertThatThrownBy(() -> rotation.configure(new RotationConfig(NS, "app-db", "admin-user",
        Map.of("admin_secret", "prod-admin"), null, null, null), appOnly))
        .isInstanceOfSatisfying(RekeyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN))
        .hasMessageContaining("'admin_secret'").hasMessageContaining("secret.read on " + NS + "/prod-admin");
    assertThat(runs.config(NS, "app-db")).isEmpty();
  }

  @Test
  void configure_callerMayReadTheNamedSecret_isStored_andTheRotationReadsIt() {
    secrets.put(NS, "app-db", "x".getBytes(StandardCharsets.UTF_8), SecretService.PutOptions.DEFAULT);
    secrets.put(NS, "app-admin", "admin-password".getBytes(StandardCharsets.UTF_8), SecretService.PutOptions.DEFAULT);
    SecretRotationService.SecretReadAccess appOnly = (namespace, secret) -> secret.startsWith("app-");

    rotation.configure(new RotationConfig(NS, "app-db", "admin-user", Map.of("admin_secret", "app-admin"), null, null,
        null), appOnly);
    SecretRotation r = rotation.rotate(NS, "app-db", "manual");
    rotation.runDue(10);

    assertThat(rotation.rotation(r.id()).status()).isEqualTo(RotationStatus.SUCCEEDED);
    assertThat(adminUser.seen).containsExactly("admin-password");
  }

  @Test
  void configure_paramsARotatorDoesNotDeclare_needNoReadPermission() {
    secrets.put(NS, "app-db", "x".getBytes(StandardCharsets.UTF_8), SecretService.PutOptions.DEFAULT);

    rotation.configure(new RotationConfig(NS, "app-db", GeneratedRotator.TYPE, Map.of("admin_secret", "prod-admin"),
        null, null, null), (namespace, secret) -> false);

    assertThat(runs.config(NS, "app-db")).isPresent();
  }

  @Test
  void rotation_rotatorReadsASecretNoDeclaredParameterNames_failsTheStep_withoutReadingIt() {
    secrets.put(NS, "app-db", "x".getBytes(StandardCharsets.UTF_8), SecretService.PutOptions.DEFAULT);
    secrets.put(NS, "app-admin", "a".getBytes(StandardCharsets.UTF_8), SecretService.PutOptions.DEFAULT);
    secrets.put(NS, "prod-admin", "root-password".getBytes(StandardCharsets.UTF_8), SecretService.PutOptions.DEFAULT);
    rotation.configure(new RotationConfig(NS, "app-db", "admin-user", Map.of("admin_secret", "app-admin"), null, null,
        null), ANYONE);
    adminUser.read = "prod-admin";

    SecretRotation r = rotation.rotate(NS, "app-db", "manual");
    rotation.runDue(10);

    SecretRotation failed = rotation.rotation(r.id());
    assertThat(failed.step()).isEqualTo(RotationStep.SET);
    assertThat(failed.lastError()).contains("'prod-admin'").doesNotContain("root-password");
    assertThat(adminUser.seen).isEmpty();
  }

  @Test
  void configure_ttlNotAPositiveBoundedDuration_isInvalid_forEveryRotator_andNothingIsStored() {
    secrets.put(NS, "db", "x".getBytes(StandardCharsets.UTF_8), SecretService.PutOptions.DEFAULT);
    for (String rotator : List.of(GeneratedRotator.TYPE, DualKeyRotator.TYPE, WebhookHmacRotator.TYPE, "target")) {
      for (String ttl : List.of("bogus", "P0D", "-P1D", "P1000000000000D", "P3651D")) {
        assertThatThrownBy(() -> configure("db", rotator, Map.of("ttl", ttl), null))
            .as(rotator + " ttl " + ttl)
            .isInstanceOfSatisfying(RekeyException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST))
            .hasMessageContaining("'ttl'");
      }
    }
    assertThat(runs.config(NS, "db")).isEmpty();
    configure("db", GeneratedRotator.TYPE, Map.of("ttl", "P3650D"), null);
    assertThat(runs.config(NS, "db")).isPresent();
  }

  @Test
  void generatedValidate_badTtl_isInvalid() {
    assertThatThrownBy(() -> new GeneratedRotator().validate(Map.of("ttl", "bogus")))
        .isInstanceOfSatisfying(RekeyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST))
        .hasMessageContaining("'ttl'").hasMessageContaining("bogus");
    new GeneratedRotator().validate(Map.of("ttl", "PT12H"));
  }

  @Test
  void configure_periodOrLeadTimeTooLongToSchedule_isInvalid_notAnOverflowLater() {
    secrets.put(NS, "db", "x".getBytes(StandardCharsets.UTF_8), SecretService.PutOptions.DEFAULT);
    Duration huge = Duration.parse("P1000000000000D");

    assertThatThrownBy(() -> configure("db", GeneratedRotator.TYPE, Map.of(), huge))
        .isInstanceOfSatisfying(RekeyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST))
        .hasMessageContaining("'period'");
    assertThatThrownBy(() -> rotation.configure(new RotationConfig(NS, "db", GeneratedRotator.TYPE, Map.of(), null,
        huge, null), ANYONE))
        .isInstanceOfSatisfying(RekeyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST))
        .hasMessageContaining("'rotate_before_expiry'");
    assertThat(runs.config(NS, "db")).isEmpty();
  }

  @Test
  void removeConfig_whileARotationRuns_isIllegalState_andAllowedOnceItFinished() {
    secrets.put(NS, "db", "initial".getBytes(StandardCharsets.UTF_8), SecretService.PutOptions.DEFAULT);
    configure("db", "target", Map.of(), null);
    rotation.rotate(NS, "db", "manual");

    assertThatThrownBy(() -> rotation.removeConfig(NS, "db"))
        .isInstanceOfSatisfying(RekeyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ILLEGAL_STATE))
        .hasMessageContaining("is running");
    assertThat(runs.config(NS, "db")).isPresent();

    rotation.runDue(10);
    rotation.removeConfig(NS, "db");
    assertThat(runs.config(NS, "db")).isEmpty();
  }

  @Test
  void aRunningRotationWhoseConfigVanished_failsItsStep_andTheTickGoesOnWithTheOthers() {
    secrets.put(NS, "a", "initial".getBytes(StandardCharsets.UTF_8), SecretService.PutOptions.DEFAULT);
    secrets.put(NS, "b", "initial".getBytes(StandardCharsets.UTF_8), SecretService.PutOptions.DEFAULT);
    configure("a", "target", Map.of(), null);
    configure("b", GeneratedRotator.TYPE, Map.of(), null);
    SecretRotation a = rotation.rotate(NS, "a", "manual");
    SecretRotation b = rotation.rotate(NS, "b", "manual");
    runs.deleteConfig(NS, "a"); // as a race with a removal on another node would leave it

    rotation.runDue(10);

    SecretRotation failedA = rotation.rotation(a.id());
    assertThat(failedA.status()).isEqualTo(RotationStatus.RUNNING);
    assertThat(failedA.failures()).isEqualTo(1);
    assertThat(failedA.lastError()).contains("no rotation configuration");
    assertThat(rotation.rotation(b.id()).status()).isEqualTo(RotationStatus.SUCCEEDED);
  }

  @Test
  void aDueConfigThatCannotStart_doesNotHoldBackTheOthers_andWaitsBeforeItIsTriedAgain() {
    secrets.put(NS, "ok", "initial".getBytes(StandardCharsets.UTF_8), SecretService.PutOptions.DEFAULT);
    configure("ok", GeneratedRotator.TYPE, Map.of(), Duration.ofDays(30));
    // a configuration left behind for a secret that no longer exists, due before the good one
    runs.putConfig(new RotationConfig(NS, "gone", GeneratedRotator.TYPE, Map.of(), Duration.ofDays(30), null,
        s.clock.instant().minusSeconds(60)));
    s.clock.advance(Duration.ofDays(31));

    rotation.runDue(10);

    assertThat(rotation.history(NS, "ok", 10)).hasSize(1);
    assertThat(rotation.history(NS, "ok", 10).get(0).status()).isEqualTo(RotationStatus.SUCCEEDED);
    assertThat(runs.config(NS, "gone").orElseThrow().nextDueAt())
        .isEqualTo(s.clock.instant().plus(SecretRotationService.MAX_RETRY));
  }

  @Test
  void verifyWebhook_withAnEmptyKey_isInvalidRequest_notACryptoFailure() {
    secrets.put(NS, "hook", "whsec_".getBytes(StandardCharsets.UTF_8), SecretService.PutOptions.DEFAULT);
    long now = s.clock.instant().getEpochSecond();
    WebhookSecretVerifier webhooks = new WebhookSecretVerifier(secrets, runs, s.clock);
    assertThatThrownBy(() -> webhooks.verify(NS, "hook", "msg_1", now, "{}".getBytes(StandardCharsets.UTF_8), "v1,abc"))
        .isInstanceOfSatisfying(RekeyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST))
        .hasMessageContaining("empty");
  }

  @Test
  void configure_periodShorterThanTheMinimumRotationPeriod_isInvalid_andNothingIsStored() {
    secrets.put(NS, "db", "x".getBytes(StandardCharsets.UTF_8), SecretService.PutOptions.DEFAULT);
    assertThatThrownBy(() -> configure("db", GeneratedRotator.TYPE, Map.of(), Duration.ofMinutes(59)))
        .isInstanceOfSatisfying(RekeyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST))
        .hasMessageContaining("'period'").hasMessageContaining("minimum_rotation_period PT1H");
    assertThat(runs.config(NS, "db")).isEmpty();
    configure("db", GeneratedRotator.TYPE, Map.of(), Duration.ofHours(1));
    assertThat(runs.config(NS, "db")).isPresent();
  }

  @Test
  void aStoredConfigWhoseTtlIsBeyondTodaysLimit_stillRotates_withThatLifetime() {
    secrets.put(NS, "old", "x".getBytes(StandardCharsets.UTF_8), SecretService.PutOptions.DEFAULT);
    // stored before configure refused ttl over RotationConfig.MAX_DURATION
    runs.putConfig(new RotationConfig(NS, "old", GeneratedRotator.TYPE, Map.of("ttl", "P5000D"), null, null, null));
    SecretRotation r = rotation.rotate(NS, "old", "manual");
    rotation.runDue(10);

    assertThat(rotation.rotation(r.id()).status()).isEqualTo(RotationStatus.SUCCEEDED);
    assertThat(secrets.get(NS, "old").current().expiresAt()).isEqualTo(s.clock.instant().plus(Duration.ofDays(5000)));
  }

  @Test
  void aConfigRemovedWhileTheTickRuns_staysRemoved() {
    secrets.put(NS, "db", "x".getBytes(StandardCharsets.UTF_8), SecretService.PutOptions.DEFAULT);
    // the tick reads the due configuration, then it is removed (DELETE on another node) before the
    // tick starts the rotation and reschedules
    InMemorySecretRotationRepository racing = new InMemorySecretRotationRepository() {
      @Override
      public synchronized List<RotationConfig> dueConfigs(Instant now, int limit) {
        List<RotationConfig> found = super.dueConfigs(now, limit);
        found.forEach(c -> deleteConfig(c.namespace(), c.secret()));
        return found;
      }
    };
    racing.putConfig(new RotationConfig(NS, "db", GeneratedRotator.TYPE, Map.of(), Duration.ofDays(30), null,
        s.clock.instant().minusSeconds(1)));
    SecretRotationService onRacing = new SecretRotationService(secrets, racing, Transactions.direct(), events,
        List.of(new GeneratedRotator()), s.clock, "node-1", Duration.ofHours(1));

    onRacing.runDue(10);

    assertThat(racing.config(NS, "db")).isEmpty();
  }
}
