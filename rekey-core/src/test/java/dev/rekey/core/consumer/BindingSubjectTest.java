package dev.rekey.core.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class BindingSubjectTest {

  @Test
  void aKeyAndASecretOfTheSameNameAreDifferentSubjects() {
    assertNotEquals(BindingSubject.key("db-url"), BindingSubject.secret("db-url"));
    assertEquals(BindingSubject.secret("db-url"), new BindingSubject(BindingSubject.Kind.SECRET, "db-url"));
  }

  @Test
  void kindsParseFromTheirWireNamesOnly() {
    assertEquals(BindingSubject.Kind.SECRET, BindingSubject.Kind.parse("secret"));
    assertEquals(BindingSubject.Kind.KEY, BindingSubject.Kind.parse(" KEY "));
    assertNull(BindingSubject.Kind.parse("certificate"));
    assertNull(BindingSubject.Kind.parse(null));
    assertEquals("secret", BindingSubject.Kind.SECRET.wireName());
  }

  @Test
  void showsKindAndName() {
    assertEquals("secret:db-url", BindingSubject.secret("db-url").toString());
    assertEquals("key:payments", BindingSubject.key("payments").toString());
  }

  @Test
  void refusesABlankName() {
    assertThrows(IllegalArgumentException.class, () -> BindingSubject.secret(" "));
    assertThrows(NullPointerException.class, () -> new BindingSubject(null, "x"));
  }
}
