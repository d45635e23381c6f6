package dev.rekey.api;

import java.util.List;

/** {@code GET /v1/rewrap-campaigns}: one page by id; {@code nextAfter} is the next cursor, null at the end. */
public record CampaignList(List<CampaignView> campaigns, Long nextAfter) {}
