package io.clientele.customer.domain.matching;

import io.clientele.customer.domain.Customer;

/** A stored customer that may be the same as the probe, with its score and reasons. */
public record MatchCandidate(Customer customer, MatchScore match) {
}
