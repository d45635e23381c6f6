package dev.rekey.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
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

    assertThat(second.previous()).contains(first.id());
    assertThat(third.previous()).contains(second.id());
    assertThat(dir.resolve(NodeIdentity.FILE)).hasContent(third.id());
  }

  @Test
  void start_withoutAUsableDataDirectory_stillNamesTheNode_withoutAPrevious() {
    Path missing = dir.resolve("missing");
    NodeIdentity node = NodeIdentity.start(missing);

    assertThat(node.id()).isNotBlank();
    assertThat(node.previous()).isEmpty();
    assertThat(missing).doesNotExist();
    assertThat(NodeIdentity.start(null, "h/1")).isEqualTo(new NodeIdentity("h/1", java.util.Optional.empty()));
  }
}
