package io.clientele.customer.domain;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

import io.clientele.platform.persistence.TenantRecord;

/** A label a tenant puts on customers; names are unique per tenant, ignoring case. */
@Entity
@Table(name = "tag")
public class Tag extends TenantRecord {

    @Column(nullable = false)
    public String name;

    public String color;


    /** The representation shown by the API and carried by events (absent values left out). */
    public Map<String, Object> view() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", id.toString());
        view.put("name", name);
        if (color != null) {
            view.put("color", color);
        }
        view.put("version", version);
        view.put("createdAt", createdAt.toString());
        view.put("updatedAt", updatedAt.toString());
        return view;
    }
}
