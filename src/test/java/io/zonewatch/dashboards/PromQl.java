package io.zonewatch.dashboards;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The metric names a PromQL expression reads, and the metric families a /metrics page exports. */
final class PromQl {
    private PromQl() {
    }

    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "by", "without",
            "on", "ignoring", "group_left", "group_right", "inf", "nan", "start", "end");

    /**
     * Metric names in an expression (or a Grafana variable query such as {@code label_values(m, label)}):
     * identifiers that are not functions or aggregations (followed by a parenthesis), keywords, label
     * names (in braces or in by/without/on/ignoring/group_x lists), strings, durations or variables.
     */
    static Set<String> metricNames(String expr) {
        String s = expr;
        // Grafana variable queries: label_values(metric{...}, label) reads metric; label_values(label) none.
        Matcher lv = Pattern.compile("label_values\\s*\\(\\s*(?:([a-zA-Z_:][\\w:]*)\\s*(\\{[^}]*\\})?\\s*,)?\\s*\\w+\\s*\\)").matcher(s);
        StringBuilder b = new StringBuilder();
        while (lv.find()) lv.appendReplacement(b, Matcher.quoteReplacement(lv.group(1) == null ? " " : " " + lv.group(1) + " "));
        lv.appendTail(b);
        s = b.toString();
        s = s.replaceAll("\"(?:\\\\.|[^\"\\\\])*\"|'(?:\\\\.|[^'\\\\])*'|`[^`]*`", " ");        // strings
        s = s.replaceAll("\\{[^}]*\\}", " ");                                                   // label matchers
        s = s.replaceAll("\\[[^\\]]*\\]", " ");                                                 // ranges, subqueries
        s = s.replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");    // label lists
        s = s.replaceAll("\\$\\{[^}]*\\}|\\$\\w+", " ");                                        // Grafana variables
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("(?<![\\w.:])([a-zA-Z_:][\\w:]*)").matcher(s);
        while (m.find()) {
            String name = m.group(1);
            int next = m.end();
            while (next < s.length() && Character.isWhitespace(s.charAt(next))) next++;
            boolean call = next < s.length() && s.charAt(next) == '(';
            if (call || KEYWORDS.contains(name.toLowerCase())) continue;
            names.add(name);
        }
        return names;
    }

    /** Sample names of a Prometheus text exposition, and the declared type of each family. */
    record Exposition(Set<String> samples, Map<String, String> types) {
        static Exposition parse(String text) {
            Set<String> samples = new TreeSet<>();
            Map<String, String> types = new TreeMap<>();
            for (String line : text.split("\n")) {
                if (line.startsWith("# TYPE ")) {
                    String[] parts = line.split("\\s+");
                    if (parts.length >= 4) types.put(parts[2], parts[3]);
                } else if (!line.isBlank() && !line.startsWith("#")) {
                    Matcher m = Pattern.compile("^([a-zA-Z_:][\\w:]*)").matcher(line);
                    if (m.find()) samples.add(m.group(1));
                }
            }
            return new Exposition(samples, types);
        }

        /** Exported: a sample of that name, or a histogram's _bucket/_sum/_count, a summary's _sum/_count. */
        boolean exports(String metric) {
            if (samples.contains(metric)) return true;
            for (String suffix : new String[] {"_bucket", "_sum", "_count"}) {
                if (metric.endsWith(suffix)) {
                    String type = types.get(metric.substring(0, metric.length() - suffix.length()));
                    if ("histogram".equals(type)) return true;
                    if ("summary".equals(type) && !suffix.equals("_bucket")) return true;
                }
            }
            return false;
        }
    }
}
