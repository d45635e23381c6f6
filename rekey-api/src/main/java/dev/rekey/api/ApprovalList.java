package dev.rekey.api;

import java.util.List;

/**
 * {@code GET /v1/approvals?state=S&before=ID&limit=N}: newest first; {@code nextBefore} is the id
 * to pass as {@code before} for the next page, null on the last.
 */
public record ApprovalList(List<ApprovalView> approvals, String nextBefore) {}
