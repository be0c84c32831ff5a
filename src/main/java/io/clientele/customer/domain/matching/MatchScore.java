package io.clientele.customer.domain.matching;

import java.util.List;

/** A match score in [0, 1] and the reasons that produced it. */
public record MatchScore(double score, List<MatchReason> reasons) {
}
