package io.zonewatch.ingest;

import java.time.LocalDate;

/**
 * Finds duplicate (platform, indicator, period) keys in a feed without a million key strings: an
 * open-addressing table of 128-bit fingerprints (two independent 64-bit hashes; a false match among
 * a million keys has a probability around 1e-27) mapping to the first row's position.
 */
final class KeyIndex {
    private long[] a;
    private long[] b;
    private int[] position;
    private int size;

    KeyIndex(int expected) {
        int capacity = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
        a = new long[capacity];
        b = new long[capacity];
        position = new int[capacity];
        java.util.Arrays.fill(position, -1);
    }

    /** Records the key at {@code pos}; returns the position recorded earlier for the same key, or -1. */
    int putIfAbsent(String platform, String indicator, LocalDate period, int pos) {
        long h1 = 0xcbf29ce484222325L, h2 = 0x84222325cbf29ce4L;
        for (String part : new String[]{platform, indicator}) {
            for (int i = 0; i < part.length(); i++) {
                char c = part.charAt(i);
                h1 = (h1 ^ c) * 0x100000001b3L;
                h2 = (h2 ^ c) * 0x9e3779b97f4a7c15L + 0x632be59bd9b4e019L;
            }
            h1 = (h1 ^ 0xff) * 0x100000001b3L;
            h2 = Long.rotateLeft(h2, 29) * 0xbf58476d1ce4e5b9L;
        }
        long day = period.toEpochDay();
        h1 = mix(h1 ^ day);
        h2 = mix(h2 + day * 0x94d049bb133111ebL);
        if ((size + 1) * 2 > a.length) grow();
        return put(h1, h2, pos);
    }

    private int put(long h1, long h2, int pos) {
        int mask = a.length - 1;
        int i = (int) h1 & mask;
        while (position[i] >= 0) {
            if (a[i] == h1 && b[i] == h2) return position[i];
            i = (i + 1) & mask;
        }
        a[i] = h1;
        b[i] = h2;
        position[i] = pos;
        size++;
        return -1;
    }

    private void grow() {
        long[] oa = a, ob = b;
        int[] op = position;
        a = new long[oa.length * 2];
        b = new long[ob.length * 2];
        position = new int[op.length * 2];
        java.util.Arrays.fill(position, -1);
        size = 0;
        for (int i = 0; i < oa.length; i++) if (op[i] >= 0) put(oa[i], ob[i], op[i]);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
