package dev.rekey.server.api;

import java.time.Instant;

/**
 * {@link Instant#toString()} (ISO-8601 in UTC, with zero, three, six or nine fraction digits as
 * needed), written with plain arithmetic: views print several times per version, and the JDK's
 * formatter was a quarter of an event loop's time answering a secret put. Years outside 0000 to
 * 9999, which the JDK writes with a sign or more digits, are left to the JDK.
 */
final class IsoTime {
  private static final long MIN_SECOND = -62_167_219_200L; // 0000-01-01T00:00:00Z
  private static final long MAX_SECOND = 253_402_300_799L; // 9999-12-31T23:59:59Z

  private IsoTime() {}

  static String format(Instant t) {
    long second = t.getEpochSecond();
    if (second < MIN_SECOND || second > MAX_SECOND) {
      return t.toString();
    }
    long days = Math.floorDiv(second, 86_400L);
    int secondOfDay = (int) Math.floorMod(second, 86_400L);
    // civil date from a day count (H. Hinnant's days_from_civil, inverted), proleptic Gregorian
    long z = days + 719_468L;
    long era = Math.floorDiv(z, 146_097L);
    long dayOfEra = z - era * 146_097L;
    long yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
    long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
    long mp = (5 * dayOfYear + 2) / 153;
    int day = (int) (dayOfYear - (153 * mp + 2) / 5 + 1);
    int month = (int) (mp < 10 ? mp + 3 : mp - 9);
    int year = (int) (yearOfEra + era * 400 + (month <= 2 ? 1 : 0));

    int nano = t.getNano();
    int digits = nano == 0 ? 0 : nano % 1_000_000 == 0 ? 3 : nano % 1_000 == 0 ? 6 : 9;
    char[] out = new char[20 + (digits == 0 ? 0 : digits + 1)];
    put(out, 0, year, 4);
    out[4] = '-';
    put(out, 5, month, 2);
    out[7] = '-';
    put(out, 8, day, 2);
    out[10] = 'T';
    put(out, 11, secondOfDay / 3_600, 2);
    out[13] = ':';
    put(out, 14, secondOfDay / 60 % 60, 2);
    out[16] = ':';
    put(out, 17, secondOfDay % 60, 2);
    int pos = 19;
    if (digits > 0) {
      out[pos++] = '.';
      int fraction = digits == 3 ? nano / 1_000_000 : digits == 6 ? nano / 1_000 : nano;
      put(out, pos, fraction, digits);
      pos += digits;
    }
    out[pos] = 'Z';
    return new String(out);
  }

  /** {@code value} in exactly {@code width} decimal digits, zero-padded. */
  private static void put(char[] out, int at, int value, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      out[i] = (char) ('0' + value % 10);
      value /= 10;
    }
  }
}
