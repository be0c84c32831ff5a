package io.clientele.customer.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import io.clientele.customer.domain.matching.MatchProfile;
import io.clientele.platform.persistence.TenantRecord;

/** A person or a company a tenant does business with. Always read and written scoped to its tenant. */
@Entity
@Table(name = "customer")
public class Customer extends TenantRecord {

    @Column(nullable = false)
    public String kind;

    @Column(name = "display_name", nullable = false)
    public String displayName;

    @Column(name = "first_name")
    public String firstName;

    @Column(name = "last_name")
    public String lastName;

    public String name;

    @Column(name = "company_id")
    public UUID companyId;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    public Contacts contacts = Contacts.NONE;

    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(name = "email_keys", nullable = false)
    public String[] emailKeys = new String[0];

    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(name = "phone_keys", nullable = false)
    public String[] phoneKeys = new String[0];

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    public Map<String, Object> attributes = new LinkedHashMap<>();

    @Column(name = "owner_id")
    public String ownerId;

    @Column(name = "lifecycle_stage", nullable = false)
    public String lifecycleStage;

    @Column(name = "external_id")
    public String externalId;


    @Column(name = "created_by", updatable = false)
    public String createdBy;

    @Column(name = "updated_by")
    public String updatedBy;

    @Column(name = "deleted_at")
    public Instant deletedAt;

    /** The survivor this customer was merged into; set together with deletedAt. */
    @Column(name = "merged_into")
    public UUID mergedInto;

    @Column(name = "match_name", nullable = false)
    public String matchName = "";

    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(name = "match_keys", nullable = false)
    public String[] matchKeys = new String[0];

    @Column(name = "match_version", nullable = false)
    public int matchVersion;

    /** The sensitive fields, AES-256-GCM sealed by {@link SensitiveData}; null when none is set. */
    @Column(name = "sensitive_data")
    public byte[] sensitiveData;

    /** The key version of {@link #sensitiveData}, so the re-encryption job finds old values by index. */
    @Column(name = "sensitive_key_version")
    public Integer sensitiveKeyVersion;

    /** Blind index (keyed HMAC) of the normalised national id, for equality filters. */
    @Column(name = "national_id_bidx")
    public String nationalIdIndex;

    /** Blind index of the E.164 personal phone number. */
    @Column(name = "personal_phone_bidx")
    public String personalPhoneIndex;

    /** The blind-index key version of the indexes above (set whenever sensitive data is); see ADR 0019/0023. */
    @Column(name = "blind_index_version")
    public Integer blindIndexVersion;

    /** The decrypted sensitive fields, once read in this request; never stored. */
    @jakarta.persistence.Transient
    Sensitive sensitivePlain;

    public CustomerKind kind() {
        return CustomerKind.valueOf(kind.toUpperCase());
    }

    /** The customer's current state in the shape a patch is applied to. */
    public CustomerDraft toDraft() {
        return new CustomerDraft(kind(), firstName, lastName, name, companyId, contacts.emails(),
                contacts.phones(), contacts.addresses(), attributes, ownerId,
                LifecycleStage.valueOf(lifecycleStage.toUpperCase()), externalId, null);
    }

    /** Applies a draft and returns the API names of the fields that changed. */
    public List<String> apply(CustomerDraft draft) {
        List<String> changed = new ArrayList<>();
        kind = set(changed, "kind", kind, draft.kind().apiName());
        firstName = set(changed, "firstName", firstName, draft.firstName());
        lastName = set(changed, "lastName", lastName, draft.lastName());
        name = set(changed, "name", name, draft.name());
        displayName = set(changed, "displayName", displayName, draft.displayName());
        companyId = set(changed, "companyId", companyId, draft.companyId());
        Contacts next = new Contacts(draft.emails(), draft.phones(), draft.addresses());
        set(changed, "emails", contacts.emails(), next.emails());
        set(changed, "phones", contacts.phones(), next.phones());
        set(changed, "addresses", contacts.addresses(), next.addresses());
        contacts = next;
        attributes = set(changed, "attributes", attributes, new LinkedHashMap<>(draft.attributes()));
        ownerId = set(changed, "ownerId", ownerId, draft.ownerId());
        lifecycleStage = set(changed, "lifecycleStage", lifecycleStage, draft.lifecycleStage().apiName());
        externalId = set(changed, "externalId", externalId, draft.externalId());
        emailKeys = contacts.emails().stream().map(EmailAddress::address).toArray(String[]::new);
        phoneKeys = contacts.phones().stream().map(PhoneNumber::number).toArray(String[]::new);
        MatchProfile profile = MatchProfile.of(draft);
        matchName = profile.matchName();
        matchKeys = profile.keys().toArray(String[]::new);
        matchVersion = MatchProfile.VERSION;
        changed.remove("displayName");
        return changed;
    }

    private static <T> T set(List<String> changed, String field, T current, T next) {
        if (!Objects.equals(current, next)) {
            changed.add(field);
        }
        return next;
    }
}
