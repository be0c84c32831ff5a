package io.clientele.service.kb;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Splits text into search terms the same way for indexing and querying (ADR 0014). Latin, Cyrillic and
 * other spaced scripts give lower-cased words without accents; Chinese, Japanese and Korean runs give
 * overlapping character bigrams (and, when indexing, single characters), since those scripts do not
 * separate words and PostgreSQL's parsers would keep a whole run as one word.
 */
public final class TextSegmenter {

    /** Longest word kept; longer ones are cut (PostgreSQL refuses lexemes over 2 KB anyway). */
    static final int MAX_WORD = 64;

    /** Words too common to say what a ticket is about; only dropped from suggestion queries. */
    private static final Set<String> STOP = Set.of("a", "an", "and", "are", "as", "at", "be", "but", "by", "can",
            "do", "for", "from", "has", "have", "hello", "hi", "i", "if", "in", "is", "it", "its", "me", "my", "no",
            "not", "of", "on", "or", "our", "please", "so", "thanks", "that", "the", "their", "there", "this", "to",
            "was", "we", "what", "when", "with", "you", "your", "的", "了", "是", "我", "你", "在");

    private TextSegmenter() {
    }

    /** The terms of a text as stored for the index: words, CJK bigrams and CJK single characters. */
    public static String indexTerms(String text) {
        return String.join(" ", segment(text, true));
    }

    /** The terms a query must match: words and CJK bigrams (a lone CJK character stays itself). */
    public static List<String> queryTerms(String text) {
        return new ArrayList<>(new LinkedHashSet<>(segment(text, false)));
    }

    /** Distinct query terms of a long text without stop words, at most {@code max}, in order of appearance. */
    public static List<String> keyTerms(String text, int max) {
        List<String> terms = new ArrayList<>();
        for (String term : queryTerms(text)) {
            if (!STOP.contains(term) && (term.length() > 1 || isCjk(term.codePointAt(0)))) {
                terms.add(term);
                if (terms.size() == max) {
                    break;
                }
            }
        }
        return terms;
    }

    static List<String> segment(String text, boolean forIndex) {
        List<String> out = new ArrayList<>();
        if (text == null || text.isEmpty()) {
            return out;
        }
        String folded = fold(text);
        StringBuilder word = new StringBuilder();
        List<Integer> cjk = new ArrayList<>();
        for (int i = 0; i < folded.length();) {
            int cp = folded.codePointAt(i);
            i += Character.charCount(cp);
            if (isCjk(cp)) {
                flushWord(word, out);
                cjk.add(cp);
            } else if (Character.isLetterOrDigit(cp)) {
                flushCjk(cjk, out, forIndex);
                if (word.length() < MAX_WORD) {
                    word.appendCodePoint(Character.toLowerCase(cp));
                }
            } else {
                flushWord(word, out);
                flushCjk(cjk, out, forIndex);
            }
        }
        flushWord(word, out);
        flushCjk(cjk, out, forIndex);
        return out;
    }

    /**
     * Full-width forms to normal ones, accents removed ("café" is found by "cafe"); kana voicing marks and
     * Hangul syllables are composed back, so Japanese and Korean keep their characters.
     */
    static String fold(String text) {
        String decomposed = Normalizer.normalize(Normalizer.normalize(text, Normalizer.Form.NFKC),
                Normalizer.Form.NFD);
        StringBuilder kept = new StringBuilder(decomposed.length());
        for (int i = 0; i < decomposed.length(); i++) {
            char c = decomposed.charAt(i);
            if (Character.getType(c) != Character.NON_SPACING_MARK || c == '\u3099' || c == '\u309A') {
                kept.append(c);
            }
        }
        return Normalizer.normalize(kept, Normalizer.Form.NFC);
    }

    static boolean isCjk(int cp) {
        Character.UnicodeScript script = Character.UnicodeScript.of(cp);
        return script == Character.UnicodeScript.HAN || script == Character.UnicodeScript.HIRAGANA
                || script == Character.UnicodeScript.KATAKANA || script == Character.UnicodeScript.HANGUL;
    }

    private static void flushWord(StringBuilder word, List<String> out) {
        if (word.length() > 0) {
            out.add(word.toString().toLowerCase(Locale.ROOT));
            word.setLength(0);
        }
    }

    private static void flushCjk(List<Integer> run, List<String> out, boolean forIndex) {
        if (run.isEmpty()) {
            return;
        }
        if (run.size() == 1 || forIndex) {
            for (int cp : run) {
                out.add(new String(Character.toChars(cp)));
            }
        }
        for (int i = 0; i + 1 < run.size(); i++) {
            out.add(new String(Character.toChars(run.get(i))) + new String(Character.toChars(run.get(i + 1))));
        }
        run.clear();
    }
}
