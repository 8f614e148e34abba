package dev.telemetry.contract.catalog;

import java.util.Optional;

/**
 * Decides whether a catalog's build pattern can only ever match strings of {@link #SAFE_CHARACTERS}, by requiring
 * that it is written in a small regular-expression grammar in which every way to match a character names only safe
 * characters:
 *
 * <pre>
 * pattern     = "^" alternation "$"
 * alternation = sequence { "|" sequence }
 * sequence    = { atom [ quantifier ] }
 * atom        = letter | digit | "_" | "-" | "\." | "\-" | class | "(" [ "?:" ] alternation ")"
 * class       = "[" item { item } "]"            (no negation)
 * item        = letter | digit | "_" | "." | "\." | "\-" | range | "-" as the class's last item
 * range       = digit "-" digit | lower "-" lower | upper "-" upper   (ascending)
 * quantifier  = "?" | "{" n "}" | "{" n "," m "}"  (bounded; "*" and "+" are refused by the catalog check)
 * </pre>
 *
 * Anything else ({@code .}, {@code \d}, {@code \w}, {@code [^...]}, {@code \p{...}}, a range like {@code A-z}
 * that spans punctuation, flags, back references, look-arounds) is refused even where it would be harmless: the
 * check is simple and strict rather than clever. Safe characters cannot start a spreadsheet formula except
 * {@code -}, which the CSV writer neutralizes.
 */
final class SafeBuildPattern {

    /** The characters a build may consist of. */
    static final String SAFE_CHARACTERS = "[A-Za-z0-9._-]";

    private final String pattern;
    private int at;

    private SafeBuildPattern(String pattern) {
        this.pattern = pattern;
    }

    /** @return why the pattern may admit other characters, or empty if it cannot */
    static Optional<String> problem(String pattern) {
        try {
            new SafeBuildPattern(pattern).whole();
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
    }

    private void whole() {
        expect('^');
        alternation();
        expect('$');
        if (at != pattern.length()) {
            throw refuse("unexpected '" + pattern.charAt(at) + "'");
        }
    }

    private void alternation() {
        sequence();
        while (peek('|')) {
            at++;
            sequence();
        }
    }

    private void sequence() {
        while (at < pattern.length() && !peek('|') && !peek(')') && !peek('$')) {
            atom();
            quantifier();
        }
    }

    private void atom() {
        char c = pattern.charAt(at++);
        if (c == '(') {
            if (pattern.startsWith("?:", at)) {
                at += 2;
            }
            alternation();
            expect(')');
        } else if (c == '[') {
            characterClass();
        } else if (c == '\\') {
            escaped(".-");
        } else if (!isAlphanumeric(c) && c != '_' && c != '-') {
            throw refuse("'" + c + "' outside a character class");
        }
    }

    private void characterClass() {
        if (peek('^')) {
            throw refuse("negated character class");
        }
        int items = 0;
        while (!peek(']')) {
            if (at >= pattern.length()) {
                throw refuse("unclosed character class");
            }
            char c = pattern.charAt(at++);
            items++;
            if (c == '\\') {
                escaped(".-");
            } else if (c == '-') {
                if (!peek(']')) {
                    throw refuse("'-' inside a character class other than as its last item");
                }
            } else if (isAlphanumeric(c) && peek('-') && at + 1 < pattern.length()
                    && pattern.charAt(at + 1) != ']') {
                char to = pattern.charAt(at + 1);
                at += 2;
                if (!(sameKind(c, to) && c <= to)) {
                    throw refuse("range " + c + "-" + to + " is not within digits, lower or upper case letters");
                }
            } else if (!isAlphanumeric(c) && c != '_' && c != '.') {
                throw refuse("'" + c + "' in a character class");
            }
        }
        at++;
        if (items == 0) {
            throw refuse("empty character class");
        }
    }

    private void quantifier() {
        if (peek('?')) {
            at++;
        } else if (peek('{')) {
            int close = pattern.indexOf('}', at);
            if (close < 0 || !pattern.substring(at + 1, close).matches("[0-9]{1,3}(,[0-9]{1,3})?")) {
                throw refuse("a repetition must be {n} or {n,m}");
            }
            at = close + 1;
        }
        if (peek('?') || peek('{')) {
            throw refuse("a quantifier after a quantifier");
        }
    }

    private void escaped(String allowed) {
        if (at >= pattern.length() || allowed.indexOf(pattern.charAt(at)) < 0) {
            throw refuse("an escape other than \\. or \\-");
        }
        at++;
    }

    private void expect(char c) {
        if (!peek(c)) {
            throw refuse("expected '" + c + "' at position " + at);
        }
        at++;
    }

    private boolean peek(char c) {
        return at < pattern.length() && pattern.charAt(at) == c;
    }

    private static boolean isAlphanumeric(char c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
    }

    private static boolean sameKind(char a, char b) {
        return Character.isDigit(a) && Character.isDigit(b) || a >= 'a' && a <= 'z' && b >= 'a' && b <= 'z'
                || a >= 'A' && a <= 'Z' && b >= 'A' && b <= 'Z';
    }

    private static IllegalArgumentException refuse(String why) {
        return new IllegalArgumentException(why);
    }
}
