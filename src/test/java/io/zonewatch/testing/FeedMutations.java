package io.zonewatch.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded mutations of a valid feed, for fuzzing. Most edits are structural (a cell, a column, a
 * line, the header) so that mutants get past the decoder and reach the header checks and the row
 * validator; a few are byte-level (flips, truncation, stray quotes). The same seed gives the same
 * mutants, so a failure names a reproducible case.
 */
public final class FeedMutations {
    /** Cell values that have broken parsers before: numbers in every wrong notation, bad periods, labels, control characters. */
    private static final List<String> CELLS = List.of(
            "", " ", "\"", "\"\"", "'", "1e400", "1E-400", "NaN", "Infinity", "-Infinity", "—", "1,234.5", "1 234", "-0", "+0",
            "0.00000000000000000001", "99999999999999999999999999999999", "1e15", "1e16", "-1", "١٢٣", "１２３", ".5", "5.",
            "0x10", "1_000", "1e2147483647", "1e-2147483648", "1e99999999999", "2024-Q5", "2024Q0", "0000-Q1", "9999-Q4",
            "2024-Q1", "2023Q4", "24Q1", "2023-q2", "2100-Q4", "1948-Q4", "2023-Q2-Q3", "2023-06-30", "CODE: label", ":", ": x",
            "tax_revenue: 税收", "tax_per_mu", "employees", "NOPE", "\u0000", "\uFEFF", "\t", "\r", "\n", "=1+1", "@SUM(A1)",
            "2147483648", "-2147483649", "15", "-15", "16", "3", "A", "P", "E", "B", "Z", "a", "I", "D", "R", "亿元", "元", "公顷",
            "万吨", "%", "10%", "x".repeat(70_000), "说明".repeat(600));
    private static final byte[] TOKENS = ",\"\n\r;\t\u0000=+-.:eE9Q".getBytes(StandardCharsets.UTF_8);

    private final SplittableRandom random;

    public FeedMutations(long seed) {
        this.random = new SplittableRandom(seed);
    }

    private String cell() {
        return CELLS.get(random.nextInt(CELLS.size()));
    }

    /** A mutant of a CSV or SDMX-CSV feed (header line first, '\n' line ends): one to four edits. */
    public byte[] csv(String feed) {
        List<List<String>> lines = new ArrayList<>();
        for (String line : feed.split("\n")) lines.add(new ArrayList<>(Arrays.asList(line.split(",", -1))));
        String lineEnd = "\n";
        boolean bom = false;
        int byteEdits = 0;
        int edits = 1 + random.nextInt(4);
        for (int e = 0; e < edits; e++) {
            List<String> line = lines.get(random.nextInt(lines.size()));
            switch (random.nextInt(14)) {
                case 0, 1, 2 -> { if (!line.isEmpty()) line.set(random.nextInt(line.size()), cell()); }
                case 3 -> lines.get(0).set(random.nextInt(lines.get(0).size()), header(lines.get(0)));
                case 4 -> { if (!line.isEmpty()) line.remove(random.nextInt(line.size())); }
                case 5 -> line.add(random.nextInt(line.size() + 1), cell());
                case 6 -> {
                    if (line.size() > 1) java.util.Collections.swap(line, random.nextInt(line.size()), random.nextInt(line.size()));
                }
                case 7 -> { if (lines.size() > 1) lines.remove(random.nextInt(lines.size())); }
                case 8 -> lines.add(1 + random.nextInt(lines.size()), new ArrayList<>(lines.get(random.nextInt(lines.size()))));
                case 9 -> lineEnd = random.nextBoolean() ? "\r\n" : "\r";
                case 10 -> {
                    // The same column moved in the header and every row: still a valid feed.
                    int a = random.nextInt(lines.get(0).size()), b = random.nextInt(lines.get(0).size());
                    for (List<String> l : lines) if (l.size() > Math.max(a, b)) java.util.Collections.swap(l, a, b);
                }
                case 11 -> bom = true;
                default -> byteEdits++;   // a byte-level edit on the assembled text
            }
        }
        StringBuilder text = new StringBuilder(bom ? "\uFEFF" : "");
        for (List<String> l : lines) text.append(String.join(",", l)).append(lineEnd);
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < byteEdits; i++) bytes = byteEdit(bytes);
        return bytes;
    }

    private String header(List<String> header) {
        return switch (random.nextInt(6)) {
            case 0 -> header.get(random.nextInt(header.size()));                      // a duplicate column
            case 1 -> header.get(random.nextInt(header.size())).toLowerCase();
            case 2 -> header.get(random.nextInt(header.size())) + ": 标签";           // SDMX label form
            case 3 -> "OBS_CONF";                                                      // a legitimate extra SDMX attribute
            case 4 -> "stauts";
            default -> cell();
        };
    }

    private byte[] byteEdit(byte[] bytes) {
        if (bytes.length == 0) return bytes;
        int at = random.nextInt(bytes.length);
        switch (random.nextInt(4)) {
            case 0 -> bytes[at] = TOKENS[random.nextInt(TOKENS.length)];
            case 1 -> bytes[at] = (byte) random.nextInt(256);
            case 2 -> bytes = Arrays.copyOf(bytes, at);                               // truncated
            default -> {
                byte[] longer = new byte[bytes.length + 1];
                System.arraycopy(bytes, 0, longer, 0, at);
                longer[at] = '"';                                                       // a stray quote
                System.arraycopy(bytes, at, longer, at + 1, bytes.length - at);
                bytes = longer;
            }
        }
        return bytes;
    }

    /** A mutant of a JSON feed {"observations": [...]}: tree edits, sometimes followed by a byte edit. */
    public byte[] json(JsonObject feed) {
        JsonObject root = feed.copy();
        JsonArray items = root.getJsonArray("observations");
        int edits = 1 + random.nextInt(3);
        for (int e = 0; e < edits; e++) {
            if (items.isEmpty()) break;
            int i = random.nextInt(items.size());
            Object item = items.getValue(i);
            switch (random.nextInt(8)) {
                case 0, 1, 2 -> {
                    if (item instanceof JsonObject o && !o.isEmpty()) {
                        String field = new ArrayList<>(o.fieldNames()).get(random.nextInt(o.size()));
                        o.put(field, jsonValue());
                    }
                }
                case 3 -> {
                    if (item instanceof JsonObject o && !o.isEmpty()) o.remove(new ArrayList<>(o.fieldNames()).get(random.nextInt(o.size())));
                }
                case 4 -> { if (item instanceof JsonObject o) o.put(random.nextBoolean() ? "stauts" : "platform_code", jsonValue()); }
                case 5 -> items.add(item instanceof JsonObject o ? o.copy() : item);   // a duplicate key
                case 6 -> items.set(i, jsonValue());                                    // not an object
                default -> root.put(random.nextBoolean() ? "observations" : "meta", jsonValue());
            }
        }
        byte[] bytes = root.encode().getBytes(StandardCharsets.UTF_8);
        return random.nextInt(4) == 0 ? byteEdit(bytes) : bytes;
    }

    private Object jsonValue() {
        return switch (random.nextInt(8)) {
            case 0 -> null;
            case 1 -> random.nextBoolean();
            case 2 -> new JsonArray().add(cell());
            case 3 -> new JsonObject().put("value", cell());
            case 4 -> random.nextInt();
            case 5 -> new java.math.BigDecimal(random.nextLong()).scaleByPowerOfTen(random.nextInt(-40, 40));
            default -> cell();
        };
    }
}
