package dev.rekey.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeIdentityTest {
  @TempDir
  Path dir;

  @Test
  void start_twoNodesConfiguredAlike_getDifferentIds_namedAfterTheHost() throws Exception {
    // two containers with the same host name and data directory path: here the very same directory
    NodeIdentity a = NodeIdentity.start(dir);
    NodeIdentity b = NodeIdentity.start(dir);
    NodeIdentity c = NodeIdentity.start(null);
    NodeIdentity d = NodeIdentity.start(null);

    Set<String> ids = new HashSet<>(Set.of(a.id(), b.id(), c.id(), d.id()));
    assertThat(ids).hasSize(4);
    String host = java.net.InetAddress.getLocalHost().getHostName();
    assertThat(a.id()).startsWith(host + "/").matches(".+/[0-9a-f]{12}");
  }

  @Test
  void start_recordsItsId_andTheNextStartOnTheDataDirectorySeesItAsPrevious() {
    NodeIdentity first = NodeIdentity.start(dir);
    assertThat(first.previous()).isEmpty();

    NodeIdentity second = NodeIdentity.start(dir);
    NodeIdentity third = NodeIdentity.start(dir);

    // none of them released its predecessors' leases (never unsealed): each start passes them on
    assertThat(second.previous()).containsExactly(first.id());
    assertThat(third.previous()).containsExactly(first.id(), second.id());
    assertThat(dir.resolve(NodeIdentity.FILE)).hasContent(first.id() + "\n" + second.id() + "\n" + third.id());
  }

  @Test
  void start_withoutAUsableDataDirectory_stillNamesTheNode_withoutAPrevious() {
    Path missing = dir.resolve("missing");
    NodeIdentity node = NodeIdentity.start(missing);

    assertThat(node.id()).isNotBlank();
    assertThat(node.previous()).isEmpty();
    assertThat(missing).doesNotExist();
    assertThat(NodeIdentity.start(null, "h/1")).isEqualTo(new NodeIdentity("h/1", List.of(), null));
  }

  @Test
  void aStartThatNeverReleases_passesTheCrashedProcessOnToTheNextStart_whichReleasesItsLeases() throws Exception {
    Map<String, Integer> leases = new HashMap<>();
    ToIntFunction<String> releaseAll = owner -> {
      Integer n = leases.remove(owner);
      return n == null ? 0 : n;
    };
    NodeIdentity crashed = NodeIdentity.start(dir, "h/crashed");
    leases.put(crashed.id(), 2); // it died holding two rotation leases
    NodeIdentity sealed = NodeIdentity.start(dir, "h/sealed"); // a Shamir start never unsealed, or one that failed to bind
    NodeIdentity next = NodeIdentity.start(dir, "h/next");

    assertThat(next.previous()).containsExactly("h/crashed", "h/sealed");
    assertThat(next.releasePrevious(releaseAll)).isEqualTo(2);
    assertThat(leases).isEmpty();
    assertThat(Files.readAllLines(dir.resolve(NodeIdentity.FILE))).as("released: only its own name stays")
        .containsExactly("h/next");
    assertThat(NodeIdentity.start(dir, "h/after").previous()).containsExactly("h/next");
  }

  @Test
  void aFailedRelease_keepsTheNamesForTheNextTry() throws Exception {
    NodeIdentity.start(dir, "h/crashed");
    NodeIdentity node = NodeIdentity.start(dir, "h/now");
    assertThatThrownBy(() -> node.releasePrevious(owner -> {
      throw new IllegalStateException("storage down");
    })).hasMessage("storage down");
    assertThat(Files.readAllLines(dir.resolve(NodeIdentity.FILE))).containsExactly("h/crashed", "h/now");
    assertThat(node.releasePrevious(owner -> 0)).isZero();
    assertThat(Files.readAllLines(dir.resolve(NodeIdentity.FILE))).containsExactly("h/now");
  }

  @Test
  void startsThatNeverRelease_doNotGrowTheFileWithoutBound() throws Exception {
    NodeIdentity last = null;
    for (int i = 0; i < 3 * NodeIdentity.REMEMBERED; i++) {
      last = NodeIdentity.start(dir, "h/" + i);
    }
    List<String> kept = Files.readAllLines(dir.resolve(NodeIdentity.FILE));
    assertThat(kept).hasSize(NodeIdentity.REMEMBERED).endsWith(last.id());
    assertThat(last.previous()).hasSize(NodeIdentity.REMEMBERED - 1).doesNotContain(last.id())
        .as("the most recent are kept").endsWith("h/" + (3 * NodeIdentity.REMEMBERED - 2));
  }

  @Test
  void aCorruptFile_yieldsOnlyPlausibleNames_andIsRewritten() throws Exception {
    Path file = dir.resolve(NodeIdentity.FILE);
    Files.writeString(file, "h/crashed\n\u0000\u0000\u0000\u0000\u0000\u0000\n");

    NodeIdentity node = NodeIdentity.start(dir, "h/now");

    assertThat(node.previous()).as("only plausible node names").containsExactly("h/crashed");
    assertThat(Files.readAllLines(file)).containsExactly("h/crashed", "h/now");
  }

  @Test
  void aFileThatIsNotUtf8_isReplaced_soLaterStartsRecordTheirNames() throws Exception {
    Path file = dir.resolve(NodeIdentity.FILE);
    Files.write(file, new byte[] {(byte) 0xff, (byte) 0xfe, 'x', '\n'});

    NodeIdentity.start(dir, "h/first");

    assertThat(NodeIdentity.start(dir, "h/second").previous()).as("the first start was recorded").contains("h/first");
  }

  @Test
  void aNameWhoseReleaseFails_staysForTheNextCall_andTheOthersAreReleased() throws Exception {
    NodeIdentity.start(dir, "h/one");
    NodeIdentity.start(dir, "h/two");
    NodeIdentity node = NodeIdentity.start(dir, "h/now");
    List<String> released = new java.util.ArrayList<>();

    assertThatThrownBy(() -> node.releasePrevious(name -> {
      if (name.equals("h/one")) {
        throw new IllegalStateException("store unavailable");
      }
      released.add(name);
      return 1;
    })).hasMessage("store unavailable");

    assertThat(released).containsExactly("h/two");
    assertThat(Files.readAllLines(dir.resolve(NodeIdentity.FILE))).containsExactly("h/one", "h/now");
  }
}
