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

  /** The path exists, not with this method; {@code allowed} are the methods it has (for {@code Allow}). */
  record MethodNotAllowed<H>(List<String> allowed) implements Match<H> {}

  record NotFound<H>() implements Match<H> {}

  /** A parameter is not valid percent-encoding. */
  record BadPath<H>() implements Match<H> {}

  private static final class Node<H> {
    final Map<String, Node<H>> literals = new HashMap<>();
    /** The literal children again, as arrays: matched against the path in place, no substring. */
    String[] literalNames = new String[0];
    @SuppressWarnings("unchecked")
    Node<H>[] literalNodes = new Node[0];
    Node<H> param;
    String paramName;
    final Map<HttpMethod, H> handlers = new LinkedHashMap<>();

    Node<H> literal(String name) {
      Node<H> child = literals.get(name);
      if (child == null) {
        child = new Node<>();
        literals.put(name, child);
        literalNames = java.util.Arrays.copyOf(literalNames, literalNames.length + 1);
        literalNodes = java.util.Arrays.copyOf(literalNodes, literalNodes.length + 1);
        literalNames[literalNames.length - 1] = name;
        literalNodes[literalNodes.length - 1] = child;
      }
      return child;
    }

    /** The literal child named by {@code path[from, to)}, or null. */
    Node<H> literal(String path, int from, int to) {
      int length = to - from;
      for (int i = 0; i < literalNames.length; i++) {
        String name = literalNames[i];
        if (name.length() == length && path.startsWith(name, from)) {
          return literalNodes[i];
        }
      }
      return null;
    }
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
        node = node.literal(segment);
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

  /** Longer paths than this many segments match nothing (no route is that deep). */
  private static final int MAX_SEGMENTS = 16;

  /**
   * The route for {@code method} on {@code path}. {@code HEAD} is answered by the path's {@code GET}
   * route (RFC 9110: the same answer without its body, which the HTTP layer leaves out), and a path
   * with a {@code GET} route lists {@code HEAD} among its allowed methods.
   */
  Match<H> match(HttpMethod method, String path) {
    Match<H> m = matchMethod(method, path);
    if (m instanceof MethodNotAllowed<H> notAllowed && notAllowed.allowed().contains("GET")) {
      if (method == HttpMethod.HEAD) {
        return matchMethod(HttpMethod.GET, path);
      }
      List<String> allowed = new java.util.ArrayList<>(notAllowed.allowed());
      allowed.add(allowed.indexOf("GET") + 1, "HEAD");
      return new MethodNotAllowed<>(List.copyOf(allowed));
    }
    return m;
  }

  private Match<H> matchMethod(HttpMethod method, String path) {
    if (path == null || path.isEmpty() || path.charAt(0) != '/') {
      return new NotFound<>();
    }
    int end = path.length() > 1 && path.charAt(path.length() - 1) == '/' ? path.length() - 1 : path.length();
    int[] bounds = new int[2 * MAX_SEGMENTS];
    int count = 0;
    int start = 1;
    for (int i = 1; i <= end; i++) {
      if (i == end || path.charAt(i) == '/') {
        if (count == MAX_SEGMENTS) {
          return new NotFound<>();
        }
        bounds[2 * count] = start;
        bounds[2 * count + 1] = i;
        count++;
        start = i + 1;
      }
    }
    Search<H> search = new Search<>(method, path, bounds, count);
    Node<H> found = search.find(root, 0);
    if (found == null) {
      return search.allowed.isEmpty() ? new NotFound<>() : new MethodNotAllowed<>(List.copyOf(search.allowed));
    }
    Map<String, String> params = new HashMap<>(4);
    for (int i = 0; i < count; i++) {
      if (search.paramAt[i] != null) {
        String decoded = decode(path.substring(bounds[2 * i], bounds[2 * i + 1]));
        if (decoded == null) {
          return new BadPath<>();
        }
        params.put(search.paramAt[i], decoded);
      }
    }
    return new Found<>(found.handlers.get(method), params);
  }

  /** Depth-first, literals first; {@code paramAt[i]} names the parameter segment i went to, if any. */
  private static final class Search<H> {
    final HttpMethod method;
    final String path;
    final int[] bounds;
    final int count;
    final String[] paramAt;
    /** The methods of every route whose template the path matched (none: no such path). */
    final java.util.TreeSet<String> allowed = new java.util.TreeSet<>();

    Search(HttpMethod method, String path, int[] bounds, int count) {
      this.method = method;
      this.path = path;
      this.bounds = bounds;
      this.count = count;
      this.paramAt = new String[count];
    }

    Node<H> find(Node<H> node, int depth) {
      if (depth == count) {
        if (node.handlers.isEmpty()) {
          return null;
        }
        node.handlers.keySet().forEach(m -> allowed.add(m.name()));
        return node.handlers.containsKey(method) ? node : null;
      }
      int from = bounds[2 * depth];
      int to = bounds[2 * depth + 1];
      if (from == to) {
        return null; // empty segment
      }
      Node<H> literal = node.literal(path, from, to);
      if (literal != null) {
        Node<H> found = find(literal, depth + 1);
        if (found != null) {
          return found;
        }
      }
      if (node.param != null) {
        paramAt[depth] = node.paramName;
        Node<H> found = find(node.param, depth + 1);
        if (found != null) {
          return found;
        }
        paramAt[depth] = null;
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
