package io.clientele.customer.imports;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.clientele.customer.domain.Customer;
import io.clientele.platform.history.History;

/** Everything one chunk writes, decided in memory before a single statement runs. */
public final class ChunkPlan {

    /** Customers created by this chunk, in their final state (a later row of the chunk may have updated them). */
    final Map<UUID, Customer> inserts = new LinkedHashMap<>();
    /** Existing customers this chunk changed, in their final state. */
    final Map<UUID, Customer> updates = new LinkedHashMap<>();
    final List<History.Row> history = new ArrayList<>();
    /** What each row did to which customer, for the chunk's one {@code customer.imported} event. */
    final List<ImportedRow> imported = new ArrayList<>();
    final List<RowError> errors = new ArrayList<>();
    int rows;
    int created;
    int updated;
    int unchanged;
    int skipped;
    int failed;

    public Map<UUID, Customer> inserts() {
        return inserts;
    }

    public Map<UUID, Customer> updates() {
        return updates;
    }

    public List<RowError> errors() {
        return errors;
    }

    public List<History.Row> history() {
        return history;
    }

    public List<ImportedRow> imported() {
        return imported;
    }

    public int[] counts() {
        return new int[] { rows, created, updated, unchanged, skipped, failed };
    }
}
