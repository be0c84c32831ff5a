package io.clientele.platform.security;

import java.util.Map;
import java.util.Set;

import io.clientele.platform.errors.ProblemException;
import io.clientele.platform.query.SqlFragment;

/**
 * Which records of one resource a caller may see: all of the tenant's, or those owned by a set of subjects (the
 * caller alone, or the caller and its teammates). Lists AND {@link #on} into their SQL; single reads ask
 * {@link #permits} and answer 404 when it says no, so a hidden record looks exactly like a missing one.
 */
public final class RecordScope {

    private static final RecordScope ALL = new RecordScope(VisibilityLevel.ALL, Set.of());

    private final VisibilityLevel level;
    private final Set<String> owners;

    private RecordScope(VisibilityLevel level, Set<String> owners) {
        this.level = level;
        this.owners = Set.copyOf(owners);
    }

    /** Every record of the tenant. */
    public static RecordScope everything() {
        return ALL;
    }

    /** Records owned by one of {@code owners}; records without an owner are not among them. */
    public static RecordScope ownedBy(VisibilityLevel level, Set<String> owners) {
        return new RecordScope(level, owners);
    }

    public boolean all() {
        return level == VisibilityLevel.ALL;
    }

    public VisibilityLevel level() {
        return level;
    }

    /** The owners visible (empty when {@link #all()}). */
    public Set<String> owners() {
        return owners;
    }

    /**
     * The answer to a single read or write of a record that exists but lies outside the caller's scope: the same
     * 404 as for a missing record (no existence leak), recorded in the audit log as a denial for visibility.
     */
    public static ProblemException hidden(String what, Object id) {
        return ProblemException.notFound(what, id).deniedBecause(VISIBILITY);
    }

    /** The audit log's reason for a 404 answered by {@link #hidden}. */
    public static final String VISIBILITY = "visibility";

    public boolean permits(String ownerId) {
        return all() || ownerId != null && owners.contains(ownerId);
    }

    /** The SQL restricting {@code ownerColumn} (trusted column SQL) to this scope; TRUE when it sees all. */
    public SqlFragment on(String ownerColumn) {
        if (all()) {
            return SqlFragment.TRUE;
        }
        return new SqlFragment(ownerColumn + " = ANY(CAST(:vis_owners AS text[]))",
                Map.of("vis_owners", owners.toArray(String[]::new)));
    }
}
