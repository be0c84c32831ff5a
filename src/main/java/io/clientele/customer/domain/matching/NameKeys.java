package io.clientele.customer.domain.matching;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import org.apache.commons.codec.language.DoubleMetaphone;

import com.ibm.icu.text.Transliterator;

/**
 * Turns names written in any script into comparable Latin tokens and phonetic codes.
 * Non-Latin names are transliterated with ICU (Han to pinyin, Cyrillic, Greek, Arabic, Hangul...),
 * so "王小明", "Wang Xiaoming" and "Xiaoming Wang" yield the same tokens.
 */
public final class NameKeys {

    /** Company-name words that say nothing about which company it is. */
    private static final Set<String> LEGAL_FORMS = Set.of("inc", "incorporated", "ltd", "limited", "llc", "llp",
            "gmbh", "ag", "sa", "sas", "sarl", "srl", "spa", "bv", "nv", "plc", "co", "corp", "corporation",
            "company", "kg", "oy", "ab", "as", "pty", "the", "group", "youxiangongsi", "gongsi", "kk");

    /** Two-character Chinese surnames, kept together when a Han name is split into surname and given name. */
    private static final Set<String> COMPOUND_SURNAMES = Set.of("欧阳", "司马", "上官", "诸葛", "东方", "皇甫",
            "尉迟", "公孙", "慕容", "夏侯", "令狐", "长孙", "宇文", "司徒", "歐陽", "諸葛");

    /** Chinese and Japanese company forms, longest first, removed from the end of a company name. */
    private static final List<String> CJK_LEGAL_FORMS = List.of("股份有限公司", "有限责任公司", "有限公司",
            "株式会社", "集团公司", "集团", "公司");

    private static final Pattern NOT_ALNUM = Pattern.compile("[^a-z0-9]+");

    // ICU transliterators are not documented as thread-safe; one per thread is cheap.
    private static final ThreadLocal<Transliterator> TO_LATIN = ThreadLocal
            .withInitial(() -> Transliterator.getInstance("Any-Latin; Latin-ASCII"));

    private static final ThreadLocal<DoubleMetaphone> PHONETIC = ThreadLocal.withInitial(() -> {
        DoubleMetaphone m = new DoubleMetaphone();
        m.setMaxCodeLen(6);
        return m;
    });

    private NameKeys() {
    }

    /**
     * Lower-case ASCII tokens of a full personal name: a Han word becomes surname + given name
     * ("王小明" gives "wang", "xiaoming"), other scripts are transliterated word by word.
     */
    public static List<String> tokens(String raw) {
        return tokens(raw, true);
    }

    /** Tokens of one part of a name (first or last name): a Han word stays one token ("小明" gives "xiaoming"). */
    public static List<String> partTokens(String raw) {
        return tokens(raw, false);
    }

    private static List<String> tokens(String raw, boolean fullName) {
        List<String> out = new ArrayList<>();
        if (raw == null || raw.isBlank()) {
            return out;
        }
        for (String word : raw.strip().split("[\\s\\p{Z}]+")) {
            if (isHan(word)) {
                int split = !fullName || word.length() < 2 ? 0
                        : word.length() >= 3 && COMPOUND_SURNAMES.contains(word.substring(0, 2)) ? 2 : 1;
                if (split > 0) {
                    addLatin(out, joined(word.substring(0, split)));
                }
                addLatin(out, joined(word.substring(split)));
            } else {
                addLatin(out, latin(word));
            }
        }
        return out;
    }

    /** Tokens of a company name without legal forms ("Acme GmbH" and "ACME", "北京科技有限公司" and "北京科技"). */
    public static List<String> companyTokens(String raw) {
        String name = raw == null ? "" : raw.strip();
        for (String form : CJK_LEGAL_FORMS) {
            if (name.endsWith(form) && name.length() > form.length()) {
                name = name.substring(0, name.length() - form.length());
                break;
            }
        }
        List<String> all = tokens(name, false);
        List<String> significant = all.stream().filter(t -> !LEGAL_FORMS.contains(t)).toList();
        return significant.isEmpty() ? all : new ArrayList<>(significant);
    }

    /** The Double Metaphone primary code of a token (digits are kept as they are). */
    public static String phonetic(String token) {
        if (token.chars().allMatch(Character::isDigit)) {
            return token;
        }
        String code = PHONETIC.get().doubleMetaphone(token);
        return code == null || code.isEmpty() ? token : code;
    }

    /** Any text in lower-case ASCII with runs of other characters collapsed to one space. */
    public static String latin(String raw) {
        if (raw == null) {
            return "";
        }
        String ascii = isAscii(raw) ? raw : TO_LATIN.get().transliterate(raw);
        return NOT_ALNUM.matcher(ascii.toLowerCase(Locale.ROOT)).replaceAll(" ").strip();
    }

    /** Tokens sorted and joined: the same for any order of the words. */
    static String sortedKey(List<String> tokens) {
        return String.join(" ", new TreeSet<>(tokens));
    }

    private static String joined(String han) {
        return latin(han).replace(" ", "");
    }

    private static void addLatin(List<String> out, String latin) {
        for (String t : latin.split(" ")) {
            if (!t.isEmpty()) {
                out.add(t);
            }
        }
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 127) {
                return false;
            }
        }
        return true;
    }

    private static boolean isHan(String word) {
        return !word.isEmpty() && word.codePoints()
                .allMatch(cp -> Character.UnicodeScript.of(cp) == Character.UnicodeScript.HAN);
    }
}
