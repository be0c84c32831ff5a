package io.clientele.platform.org;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

import io.clientele.platform.persistence.TenantRecord;

/** A named group of users (a sales team, a service team); names are unique per tenant, ignoring case. */
@Entity
@Table(name = "team")
public class Team extends TenantRecord {

    @Column(nullable = false)
    public String name;

    public String description;

    /** The representation shown by the API and carried by events (absent values left out). */
    public Map<String, Object> view() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", id.toString());
        view.put("name", name);
        if (description != null) {
            view.put("description", description);
        }
        view.put("version", version);
        view.put("createdAt", createdAt.toString());
        view.put("updatedAt", updatedAt.toString());
        return view;
    }
}
