package dev.rekey.api;

import java.util.List;

/**
 * {@code GET /v1/auth/tokens?after=ID&limit=N}: token infos without secrets, in creation order;
 * {@code nextAfter} is the id to pass as {@code after} for the next page, null on the last.
 */
public record TokenList(List<TokenView> tokens, String nextAfter) {
  /** A whole list (one page, or every page joined). */
  public TokenList(List<TokenView> tokens) {
    this(tokens, null);
  }
}
