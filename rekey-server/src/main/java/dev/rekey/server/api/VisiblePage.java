package dev.rekey.server.api;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One page of a listing in name order that shows only what the caller's grants match, with a
 * cursor that is the last item shown: the store's last name would name items outside the grants
 * (paging with {@code limit=1} would then read every name). The store is read on past what the
 * filter empties; a page shorter than {@code limit} means there is no more.
 *
 * @param items what is shown, at most {@code limit}
 * @param next the name to page on after, or null at the end
 */
record VisiblePage<T>(List<T> items, String next) {

  /** What the store returns after a name (null: from the start), at most {@code limit} items, in name order. */
  @FunctionalInterface
  interface Source<T> {
    List<T> after(String name, int limit);
  }

  static <T> VisiblePage<T> of(Source<T> source, String after, int limit, int maxRead, Predicate<T> visible,
      Function<T, String> name) {
    List<T> shown = new ArrayList<>();
    int read = limit;
    while (shown.size() < limit) {
      List<T> page = source.after(after, read);
      for (T item : page) {
        if (shown.size() < limit && visible.test(item)) {
          shown.add(item);
        }
      }
      if (page.size() < read) {
        break;
      }
      after = name.apply(page.get(page.size() - 1));
      read = maxRead;
    }
    return new VisiblePage<>(List.copyOf(shown), shown.size() == limit ? name.apply(shown.get(shown.size() - 1)) : null);
  }
}
