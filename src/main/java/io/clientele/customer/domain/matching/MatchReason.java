package io.clientele.customer.domain.matching;

/**
 * One piece of evidence behind a match score: which field, how it compared (exact, phonetic,
 * trigram, postalCode, line1, different), its weight (negative: the factor it took off, minus 1),
 * and the value that matched.
 */
public record MatchReason(String field, String method, double weight, String detail) {
}
