package dev.rekey.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** A compact left-aligned text table: columns two spaces apart, widths from the content. */
final class Table {
  private final List<String[]> rows = new ArrayList<>();

  Table(String... header) {
    rows.add(header);
  }

  Table row(String... cells) {
    rows.add(cells);
    return this;
  }

  void print(PrintStream out) {
    int columns = rows.get(0).length;
    int[] widths = new int[columns];
    for (String[] row : rows) {
      for (int i = 0; i < columns; i++) {
        widths[i] = Math.max(widths[i], cell(row, i).length());
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < columns; i++) {
        String cell = cell(row, i);
        line.append(cell);
        if (i < columns - 1) {
          line.append(" ".repeat(widths[i] - cell.length() + 2));
        }
      }
      out.println(line.toString().stripTrailing());
    }
  }

  private static String cell(String[] row, int i) {
    return i < row.length && row[i] != null ? row[i] : "-";
  }
}
