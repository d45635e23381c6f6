package dev.rekey.api;

import java.util.List;

/** {@code GET /v1/audit/records}: one page; {@code nextFrom} is the next {@code from}, null at the end. */
public record AuditRecordList(List<AuditRecordView> records, Long nextFrom) {}
