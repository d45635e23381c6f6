package dev.rekey.server.http;

import io.vertx.core.http.HttpMethod;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Routes by path segments: a tree with one node per segment, literal segments tried before a
 * {@code :param} segment, so a request costs a few map look-ups whatever the number of routes
 * (no regular expressions, no walk over every route).
 *
 * <p>Paths are matched as sent: no dot-segment resolution (a {@code ..} segment is just a value
 * a parameter may get, which name validation then refuses), one trailing slash ignored, empty
 * segments never match. Parameter values are percent-decoded.
 *
 * @param <H> what a route leads to
 */
final class RouteTable<H> {
  private final Node<H> root = new Node<>();
  private final List<String> templates = new ArrayList<>();

  /** What a request path and method found. */
  sealed interface Match<H> {}

  record Found<H>(H handler, Map<String, String> params) implements Match<H> {}

  /** The path exists, not with this method. */
  record MethodNotAllowed<H>() implements Match<H> {}

  record NotFound<H>() implements Match<H> {}

  /** A parameter is not valid percent-encoding. */
  record BadPath<H>() implements Match<H> {}

  private static final class Node<H> {
    final Map<String, Node<H>> literals = new HashMap<>();
    Node<H> param;
    String paramName;
    final Map<HttpMethod, H> handlers = new LinkedHashMap<>();
  }

  /** Adds {@code METHOD template}; a template is {@code /a/:b/c}. The same route twice is refused. */
  void add(HttpMethod method, String template, H handler) {
    if (!template.startsWith("/")) {
      throw new IllegalArgumentException("a route starts with '/': " + template);
    }
    Node<H> node = root;
    for (String segment : segments(template)) {
      if (segment.isEmpty()) {
        throw new IllegalArgumentException("empty segment in route " + template);
      }
      if (segment.startsWith(":")) {
        String name = segment.substring(1);
        if (node.param == null) {
          node.param = new Node<>();
          node.paramName = name;
        } else if (!node.paramName.equals(name)) {
          throw new IllegalArgumentException("route " + template + " names parameter '" + name + "' where another route has '"
              + node.paramName + "'");
        }
        node = node.param;
      } else {
        node = node.literals.computeIfAbsent(segment, s -> new Node<>());
      }
    }
    if (node.handlers.putIfAbsent(method, handler) != null) {
      throw new IllegalArgumentException("route " + method + " " + template + " is registered twice");
    }
    templates.add(method.name() + " " + template);
  }

  /** Every route as {@code METHOD /template}, in registration order. */
  List<String> routes() {
    return List.copyOf(templates);
  }

  Match<H> match(HttpMethod method, String path) {
    if (path == null || !path.startsWith("/")) {
      return new NotFound<>();
    }
    String p = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    List<String> segments = segments(p);
    String[] values = new String[segments.size()];
    Search<H> search = new Search<>(method, segments, values);
    Node<H> found = search.find(root, 0);
    if (found == null) {
      return search.pathExists ? new MethodNotAllowed<>() : new NotFound<>();
    }
    Map<String, String> params = new HashMap<>(4);
    Node<H> node = root;
    for (int i = 0; i < segments.size(); i++) {
      Node<H> literal = values[i] == null ? node.literals.get(segments.get(i)) : null;
      if (literal != null) {
        node = literal;
        continue;
      }
      String decoded = decode(segments.get(i));
      if (decoded == null) {
        return new BadPath<>();
      }
      params.put(node.paramName, decoded);
      node = node.param;
    }
    return new Found<>(found.handlers.get(method), params);
  }

  /** Depth-first, literals first; {@code values[i]} is non-null where segment i went to a parameter. */
  private static final class Search<H> {
    final HttpMethod method;
    final List<String> segments;
    final String[] values;
    boolean pathExists;

    Search(HttpMethod method, List<String> segments, String[] values) {
      this.method = method;
      this.segments = segments;
      this.values = values;
    }

    Node<H> find(Node<H> node, int depth) {
      if (depth == segments.size()) {
        if (node.handlers.isEmpty()) {
          return null;
        }
        pathExists = true;
        return node.handlers.containsKey(method) ? node : null;
      }
      String segment = segments.get(depth);
      if (segment.isEmpty()) {
        return null;
      }
      Node<H> literal = node.literals.get(segment);
      if (literal != null) {
        values[depth] = null;
        Node<H> found = find(literal, depth + 1);
        if (found != null) {
          return found;
        }
      }
      if (node.param != null) {
        values[depth] = segment;
        Node<H> found = find(node.param, depth + 1);
        if (found != null) {
          return found;
        }
        values[depth] = null;
      }
      return null;
    }
  }

  /** The segments after the leading slash: {@code /a/b} is [a, b], {@code /} is [""]. */
  private static List<String> segments(String path) {
    List<String> out = new ArrayList<>(8);
    int start = 1;
    for (int i = 1; i <= path.length(); i++) {
      if (i == path.length() || path.charAt(i) == '/') {
        out.add(path.substring(start, i));
        start = i + 1;
      }
    }
    return out;
  }

  private static String decode(String segment) {
    if (segment.indexOf('%') < 0) {
      return segment;
    }
    try {
      // URLDecoder is for forms: keep a literal '+' as it is in a path.
      return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
