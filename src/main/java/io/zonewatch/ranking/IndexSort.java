package io.zonewatch.ranking;

/**
 * Sorts indices by descending score without boxing: the Monte Carlo step sorts 10,000 platforms
 * 500 times, where {@code Integer[]} with a comparator costs several times more.
 */
final class IndexSort {
    private static final int INSERTION = 24;

    private IndexSort() {
    }

    /** Fills {@code idx} with 0..n−1 ordered by descending {@code score} (ties by ascending index). */
    static void descending(double[] score, int[] idx) {
        for (int i = 0; i < idx.length; i++) idx[i] = i;
        sort(score, idx, 0, idx.length - 1);
    }

    private static boolean before(double[] s, int a, int b) {
        return s[a] > s[b] || (s[a] == s[b] && a < b);
    }

    private static void sort(double[] s, int[] idx, int lo, int hi) {
        while (hi - lo > INSERTION) {
            int mid = (lo + hi) >>> 1;
            if (before(s, idx[mid], idx[lo])) swap(idx, mid, lo);
            if (before(s, idx[hi], idx[lo])) swap(idx, hi, lo);
            if (before(s, idx[hi], idx[mid])) swap(idx, hi, mid);
            int pivot = idx[mid];
            int i = lo, j = hi;
            while (i <= j) {
                while (before(s, idx[i], pivot)) i++;
                while (before(s, pivot, idx[j])) j--;
                if (i <= j) swap(idx, i++, j--);
            }
            // Recurse into the smaller side, loop on the larger: stack depth stays O(log n).
            if (j - lo < hi - i) {
                sort(s, idx, lo, j);
                lo = i;
            } else {
                sort(s, idx, i, hi);
                hi = j;
            }
        }
        for (int i = lo + 1; i <= hi; i++) {
            int v = idx[i];
            int j = i - 1;
            while (j >= lo && before(s, v, idx[j])) {
                idx[j + 1] = idx[j];
                j--;
            }
            idx[j + 1] = v;
        }
    }

    private static void swap(int[] a, int i, int j) {
        int t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}
