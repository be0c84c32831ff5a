package io.clientele.platform.security;

/** How far a role sees into one resource: its own records, its teams' records, or all of the tenant's. */
public enum VisibilityLevel {
    OWN, TEAM, ALL
}
