package dev.rekey.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Shutdown}: reverse order of start, failures contained. */
class ShutdownTest {
  private final List<String> closed = new ArrayList<>();
  private final Shutdown shutdown = new Shutdown();

  @Test
  void close_threeStarted_closesNewestFirst() {
    shutdown.onClose("storage", () -> closed.add("storage"));
    shutdown.onClose("audit log", () -> closed.add("audit log"));
    shutdown.onClose("HTTP listeners", () -> closed.add("HTTP listeners"));

    shutdown.close();

    assertThat(closed).containsExactly("HTTP listeners", "audit log", "storage");
  }

  @Test
  void close_oneStepFails_theOthersStillClose() {
    shutdown.onClose("storage", () -> closed.add("storage"));
    shutdown.onClose("broken", () -> {
      throw new IllegalStateException("boom");
    });
    shutdown.onClose("checked", () -> {
      throw new java.io.IOException("no");
    });
    shutdown.onClose("listeners", () -> closed.add("listeners"));

    shutdown.close();

    assertThat(closed).containsExactly("listeners", "storage");
  }

  @Test
  void close_twice_closesEachStepOnce() {
    shutdown.onClose("storage", () -> closed.add("storage"));

    shutdown.close();
    shutdown.close();

    assertThat(closed).containsExactly("storage");
  }

  @Test
  void close_aStepThrowsAnError_theOlderStepsStillClose_andTheErrorIsRethrown() {
    shutdown.onClose("data directory lock", () -> closed.add("data directory lock"));
    shutdown.onClose("storage", () -> closed.add("storage"));
    shutdown.onClose("broken", () -> {
      throw new LinkageError("a class went missing");
    });
    shutdown.onClose("listeners", () -> closed.add("listeners"));

    assertThatThrownBy(shutdown::close).isInstanceOf(LinkageError.class).hasMessage("a class went missing");

    assertThat(closed).containsExactly("listeners", "storage", "data directory lock");
  }
}
