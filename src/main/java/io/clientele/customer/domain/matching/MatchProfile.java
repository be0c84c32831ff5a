package io.clientele.customer.domain.matching;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

import io.clientele.customer.domain.CustomerDraft;
import io.clientele.customer.domain.CustomerKind;
import io.clientele.customer.domain.EmailAddress;
import io.clientele.customer.domain.PhoneNumber;
import io.clientele.customer.domain.PostalAddress;

/**
 * What duplicate matching compares of a customer: name tokens in Latin script, blocking keys that
 * find candidates through one index, and the exact keys (emails, phones, external id).
 *
 * <p>Blocking keys, each prefixed with the kind ("p" person, "c" company) so people never block
 * with companies: {@code n:} the sorted tokens (word order does not matter), {@code s:} the
 * sorted phonetic codes of first and last token (spelling variants), more {@code n:} keys with
 * one letter deleted from the first or the last token (one typo in either, any kind), {@code j:} the tokens joined,
 * forwards and backwards (split or joined words, "Anne Marie" / "Annemarie", surname first or last).
 */
public record MatchProfile(
        CustomerKind kind,
        List<String> tokens,
        String matchName,
        List<String> keys,
        Set<String> emails,
        Set<String> phones,
        String externalId,
        UUID companyId,
        List<Address> addresses) {

    /** Bump when the keys or tokens are computed differently; stored rows are then re-keyed. */
    public static final int VERSION = 2;

    /** An address reduced to what compares: postal code, country and the first line in ASCII. */
    public record Address(String postalCode, String country, String line1, String city) {
    }

    public static MatchProfile of(CustomerDraft d) {
        List<String> tokens;
        if (d.kind() == CustomerKind.COMPANY) {
            tokens = NameKeys.companyTokens(d.name());
        } else {
            boolean both = notBlank(d.firstName()) && notBlank(d.lastName());
            if (both) {
                tokens = new ArrayList<>(NameKeys.partTokens(d.firstName()));
                tokens.addAll(NameKeys.partTokens(d.lastName()));
            } else {
                // One field holding the whole name ("王小明" as lastName is a full name).
                tokens = NameKeys.tokens(notBlank(d.firstName()) ? d.firstName()
                        : notBlank(d.lastName()) ? d.lastName() : d.name());
            }
        }
        tokens = List.copyOf(new LinkedHashSet<>(tokens));
        Set<String> emails = new LinkedHashSet<>();
        for (EmailAddress e : d.emails()) {
            emails.add(e.address());
        }
        Set<String> phones = new LinkedHashSet<>();
        for (PhoneNumber p : d.phones()) {
            phones.add(p.number());
        }
        List<Address> addresses = d.addresses().stream().map(MatchProfile::address).toList();
        return new MatchProfile(d.kind(), tokens, String.join(" ", tokens), keys(d.kind(), tokens),
                emails, phones, d.externalId(), d.companyId(), addresses);
    }

    /**
     * The profile of a stored customer from its stored match columns, without loading the entity:
     * what {@link #of} computed when the customer was written.
     */
    public static MatchProfile stored(CustomerKind kind, String matchName, List<String> keys, Set<String> emails,
            Set<String> phones, String externalId, UUID companyId, List<PostalAddress> addresses) {
        List<String> tokens = matchName == null || matchName.isEmpty() ? List.of() : List.of(matchName.split(" "));
        return new MatchProfile(kind, tokens, matchName, keys, emails, phones, externalId, companyId,
                addresses.stream().map(MatchProfile::address).toList());
    }

    static Address address(PostalAddress a) {
        return new Address(compact(a.postalCode()), a.country() == null ? null : a.country().toUpperCase(),
                NameKeys.latin(a.line1()), NameKeys.latin(a.city()));
    }

    static List<String> keys(CustomerKind kind, List<String> tokens) {
        List<String> keys = new ArrayList<>();
        if (tokens.isEmpty()) {
            return keys;
        }
        String k = kind == CustomerKind.COMPANY ? "c" : "p";
        keys.add(k + "n:" + NameKeys.sortedKey(tokens));
        String first = tokens.get(0);
        if (tokens.size() == 1) {
            keys.add(k + "s:" + NameKeys.phonetic(first));
            return keys;
        }
        String last = tokens.get(tokens.size() - 1);
        String pf = NameKeys.phonetic(first);
        String pl = NameKeys.phonetic(last);
        keys.add(k + "s:" + (pf.compareTo(pl) <= 0 ? pf + "|" + pl : pl + "|" + pf));
        // One edit apart (a letter dropped, added, changed or two swapped): both sides' one-deletion
        // variants meet, or one side's variant is the other's name (the n: key).
        for (String variant : deletions(first)) {
            keys.add(k + "n:" + NameKeys.sortedKey(List.of(variant, last)));
        }
        for (String variant : deletions(last)) {
            keys.add(k + "n:" + NameKeys.sortedKey(List.of(first, variant)));
        }
        keys.add(k + "j:" + String.join("", tokens));
        List<String> reversed = new ArrayList<>(tokens);
        java.util.Collections.reverse(reversed);
        keys.add(k + "j:" + String.join("", reversed));
        return List.copyOf(new java.util.TreeSet<>(keys));
    }

    /** The token with one letter removed, each way; none for tokens shorter than 3 letters. */
    private static List<String> deletions(String token) {
        List<String> out = new ArrayList<>();
        if (token.length() >= 3) {
            for (int i = 0; i < token.length(); i++) {
                out.add(token.substring(0, i) + token.substring(i + 1));
            }
        }
        return out;
    }

    /** Whether both have a name and their phonetic first/last pair is the same. */
    boolean soundsLike(MatchProfile other) {
        String mine = key("s:");
        return mine != null && mine.contains("|") && Objects.equals(mine, other.key("s:"));
    }

    boolean sameTokens(MatchProfile other) {
        return !tokens.isEmpty() && NameKeys.sortedKey(tokens).equals(NameKeys.sortedKey(other.tokens));
    }

    private String key(String kind) {
        for (String key : keys) {
            if (key.startsWith(kind, 1)) {
                return key;
            }
        }
        return null;
    }

    private static boolean notBlank(String s) {
        return s != null && !s.isBlank();
    }

    private static String compact(String postalCode) {
        return postalCode == null ? null : postalCode.replaceAll("[\\s-]", "").toUpperCase();
    }
}
