package io.zonewatch.errors;

/**
 * Names people read (platform and region names, indicator and scheme names, token names) carry no
 * characters that change how the text around them is shown: bidirectional overrides and isolates
 * (U+202A–U+202E, U+2066–U+2069, which can make "区甲" display as "甲区" or reverse a number in a
 * bulletin), other control characters (C0, DEL, C1), line and paragraph separators, and the byte
 * order mark. One rule for every name field.
 */
public final class DisplayText {
    private DisplayText() {
    }

    /** The first offending character, or -1 when the text may be shown as it is. */
    public static int offending(String s) {
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            if (refused(c)) return c;
            i += Character.charCount(c);
        }
        return -1;
    }

    static boolean refused(int c) {
        return c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F)
                || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069)
                || c == 0x200E || c == 0x200F || c == 0x061C
                || c == 0x2028 || c == 0x2029 || c == 0xFEFF;
    }

    /** The message part naming the character, e.g. "U+202E". */
    public static String describe(int c) {
        return String.format("U+%04X", c);
    }

    /** A refusal of the field, with a stable code. */
    public static Problem refusal(String field, int c) {
        return Problem.unprocessable("bad_characters", field + " 含有不可显示或改变文字方向的字符 " + describe(c),
                field + " contains a control or text-direction character (" + describe(c) + ")");
    }
}
