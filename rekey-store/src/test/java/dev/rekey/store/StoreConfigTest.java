package dev.rekey.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class StoreConfigTest {

  @Test
  void constructor_unsupportedUrl_namesSupportedPrefixesWithoutCredentials() {
    assertThatThrownBy(() -> StoreConfig.of("jdbc:mysql://db/rekey?password=hunter2", "u", "p"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("jdbc:sqlite:")
        .hasMessageContaining("jdbc:postgresql:")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void constructor_blankUrl_saysWhatToUse() {
    assertThatThrownBy(() -> StoreConfig.of(" ", null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("jdbcUrl is required");
  }

  @Test
  void constructor_poolSizeOutOfRange_saysTheRange() {
    assertThatThrownBy(() -> StoreConfig.of("jdbc:postgresql://h/db", "u", "p").withMaxPoolSize(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("between 1 and 200, got 0");
  }

  @Test
  void constructor_inMemorySqlite_refused() {
    assertThatThrownBy(() -> StoreConfig.of("jdbc:sqlite::memory:", null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("in-memory");
  }

  @Test
  void toString_containsNoPassword() {
    StoreConfig c = StoreConfig.of("jdbc:postgresql://h/db?password=hunter2", "rekey", "s3cret");

    assertThat(c.toString()).doesNotContain("s3cret").doesNotContain("hunter2").contains("rekey");
  }

  @Test
  void dialect_fromUrl_recognisesBoth() {
    assertThat(StoreConfig.sqlite(Path.of("x.db")).dialect()).isEqualTo(Dialect.SQLITE);
    assertThat(StoreConfig.of("jdbc:postgresql://h/db", null, null).dialect()).isEqualTo(Dialect.POSTGRESQL);
  }

  @Test
  void effectivePoolSize_sqlite_isCapped() {
    assertThat(StoreConfig.sqlite(Path.of("x.db")).withMaxPoolSize(50).effectivePoolSize())
        .isEqualTo(StoreConfig.SQLITE_MAX_POOL_SIZE);
  }

  @Test
  void statements_script_splitsAtLineEndingSemicolonsAndDropsComments() {
    assertThat(Migrator.statements("-- c\nCREATE TABLE a (x INT);\n\nINSERT INTO a\n VALUES (1);\n"))
        .containsExactly("CREATE TABLE a (x INT)", "INSERT INTO a\n VALUES (1)");
  }
}
