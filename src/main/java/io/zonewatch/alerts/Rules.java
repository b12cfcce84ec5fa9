package io.zonewatch.alerts;

import io.vertx.core.json.JsonObject;
import io.zonewatch.catalog.Indicator;
import io.zonewatch.observations.Period;
import io.zonewatch.ranking.RankingMath;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The eight deviation rules of docs/domain.md section 5 as pure functions of the numbers they compare.
 * Each returns a {@link Finding} when the rule fires, null when it does not.
 */
public final class Rules {
    /** Thresholds compare against rounded arithmetic: 90/100 − 1 is −9.999999999999998, i.e. −10 %. */
    private static final double EPS = 1e-9;

    private Rules() {
    }

    // ---- target_progress 序时进度 ----

    /**
     * The 序时进度 of a year-to-date flow against its annual target in quarter {@code p}: progress
     * (actual/target) and the expected share (q/4) in percent, the lag in points, and the severity the
     * thresholds give it (null: on schedule). Null when the rule does not apply (not a YTD flow, or no
     * positive target). The warning rule and GET /platforms/{code}/progress both use it.
     */
    public record Progress(double progressPct, double expectedPct, double lag, String severity) {
    }

    /** lag = (q/4 − actual/target) × 100 points (sign reversed for lower-better flows). */
    public static Progress progress(RuleSettings s, Indicator ind, Period p, double actual, double target) {
        if (ind.kind() != Indicator.Kind.YTD_FLOW || target <= 0) return null;
        double progress = actual / target * 100;
        double expected = p.quarter() * 25.0;
        double lag = ind.better() == Indicator.Better.LOWER ? progress - expected : expected - progress;
        double warning = s.number(RuleSettings.TARGET_PROGRESS, ind.code(), "warning", 10);
        double critical = s.number(RuleSettings.TARGET_PROGRESS, ind.code(), "critical", 30);
        String severity = !(lag > warning + EPS) ? null : lag > critical + EPS ? "critical" : "warning";
        return new Progress(progress, expected, lag, severity);
    }

    public static Finding targetProgress(RuleSettings s, Indicator ind, String platform, Period p, double actual, double target) {
        if (!s.enabled(RuleSettings.TARGET_PROGRESS, ind.code())) return null;
        Progress g = progress(s, ind, p, actual, target);
        if (g == null || g.severity() == null) return null;
        double progress = g.progressPct(), expected = g.expectedPct(), lag = g.lag();
        String severity = g.severity();
        String zh, en;
        if (ind.better() == Indicator.Better.LOWER) {
            zh = String.format("%s%s达到年度目标的%.1f%%，超出序时进度%.1f个百分点", label(p, ind), ind.nameZh(), progress, lag);
            en = String.format("%s %s reached %.1f %% of the annual target, %.1f points ahead of schedule (lower is better)",
                    labelEn(p, ind), ind.nameEn(), progress, lag);
        } else {
            zh = String.format("%s%s完成年度目标%.1f%%，落后序时进度%.1f个百分点", label(p, ind), ind.nameZh(), progress, lag);
            en = String.format("%s %s reached %.1f %% of the annual target, %.1f points behind schedule", labelEn(p, ind), ind.nameEn(), progress, lag);
        }
        return new Finding(RuleSettings.TARGET_PROGRESS, severity, platform, ind.code(), p.firstDay(), actual, target, lag, zh, en,
                new JsonObject().put("progressPct", progress).put("expectedPct", expected));
    }

    // ---- yoy_change 同比 ----

    public static Finding yoyChange(RuleSettings s, Indicator ind, String platform, Period p, double current, double previous) {
        if (!s.enabled(RuleSettings.YOY_CHANGE, ind.code()) || ind.better() == Indicator.Better.NONE || previous <= 0) return null;
        if (ind.derived() && ind.formula() == Indicator.Formula.GROWTH) return null;
        double change = (current / previous - 1) * 100;
        double bad = ind.better() == Indicator.Better.LOWER ? change : -change;
        double warning = s.number(RuleSettings.YOY_CHANGE, ind.code(), "warning", 10);
        double critical = s.number(RuleSettings.YOY_CHANGE, ind.code(), "critical", 20);
        if (!(bad >= warning - EPS)) return null;
        String dirZh = change < 0 ? "下降" : "上升";
        String dirEn = change < 0 ? "down" : "up";
        String zh = String.format("%s%s%s%s，同比%s%.1f%%（上年同期%s%s）", label(p, ind), ind.nameZh(), fmt(current), ind.unit(),
                dirZh, Math.abs(change), fmt(previous), ind.unit());
        String en = String.format("%s %s %s %s, %s %.1f %% year on year (%s a year earlier)", labelEn(p, ind), ind.nameEn(),
                fmt(current), ind.unit(), dirEn, Math.abs(change), fmt(previous));
        return new Finding(RuleSettings.YOY_CHANGE, bad >= critical - EPS ? "critical" : "warning", platform, ind.code(), p.firstDay(),
                current, previous, change, zh, en, new JsonObject());
    }

    // ---- peer_outlier 横向偏离 ----

    /**
     * Modified z = 0.6745 (x − median) / MAD over the platforms of one type for one intensive
     * indicator and period; needs at least minPeers values and MAD > 0.
     */
    public static List<Finding> peerOutliers(RuleSettings s, Indicator ind, String type, Period p, Map<String, Double> values) {
        List<Finding> out = new ArrayList<>();
        boolean intensive = ind.kind() == Indicator.Kind.RATIO || ind.derived();
        if (!s.enabled(RuleSettings.PEER_OUTLIER, ind.code()) || !intensive) return out;
        int minPeers = (int) s.number(RuleSettings.PEER_OUTLIER, ind.code(), "minPeers", 8);
        double threshold = s.number(RuleSettings.PEER_OUTLIER, ind.code(), "threshold", 3.5);
        if (values.size() < minPeers) return out;
        double[] x = values.values().stream().mapToDouble(Double::doubleValue).toArray();
        double median = RankingMath.median(x);
        double[] dev = new double[x.length];
        for (int i = 0; i < x.length; i++) dev[i] = Math.abs(x[i] - median);
        double mad = RankingMath.median(dev);
        if (!(mad > 0)) return out;
        values.forEach((platform, v) -> {
            double z = 0.6745 * (v - median) / mad;
            if (Math.abs(z) > threshold + EPS) {
                String zh = String.format("%s%s为%s%s，同类（%s）%d个平台中位数%s，修正Z值%.1f", labelQuarter(p), ind.nameZh(), fmt(v),
                        ind.unit(), type, values.size(), fmt(median), z);
                String en = String.format("%s %s %s %s against a median of %s over %d %s peers: modified z %.1f", p, ind.nameEn(),
                        fmt(v), ind.unit(), fmt(median), values.size(), type, z);
                out.add(new Finding(RuleSettings.PEER_OUTLIER, "warning", platform, ind.code(), p.firstDay(), v, median, z, zh, en,
                        new JsonObject().put("peers", values.size()).put("mad", mad).put("type", type)));
            }
        });
        return out;
    }

    // ---- suspect_unit 疑似单位错误 ----

    /** value / reference ≥ factor or ≤ 1/factor; the reference is the previous quarter, else last year's. */
    public static Finding suspectUnit(RuleSettings s, Indicator ind, String platform, Period p, double value, double reference,
                                      Period referencePeriod) {
        if (!s.enabled(RuleSettings.SUSPECT_UNIT, ind.code()) || value <= 0 || reference <= 0) return null;
        double factor = s.number(RuleSettings.SUSPECT_UNIT, ind.code(), "factor", 1000);
        double ratio = value / reference;
        if (ratio < factor - EPS && ratio > 1 / factor + EPS) return null;
        String zh = String.format("%s%s为%s%s，是%s数值%s的%s倍，疑似单位错误", label(p, ind), ind.nameZh(), fmt(value), ind.unit(),
                referencePeriod, fmt(reference), fmt(ratio));
        String en = String.format("%s %s %s %s is %s times the %s value %s: a unit error?", labelEn(p, ind), ind.nameEn(),
                fmt(value), ind.unit(), fmt(ratio), referencePeriod, fmt(reference));
        return new Finding(RuleSettings.SUSPECT_UNIT, "critical", platform, ind.code(), p.firstDay(), value, reference, ratio, zh, en,
                new JsonObject().put("referencePeriod", referencePeriod.toString()));
    }

    // ---- ytd_decrease 累计值回落 ----

    public static Finding ytdDecrease(RuleSettings s, Indicator ind, String platform, Period p, double value, double previousQuarter) {
        if (!s.enabled(RuleSettings.YTD_DECREASE, ind.code()) || ind.kind() != Indicator.Kind.YTD_FLOW || !ind.nonNegative()
                || p.quarter() == 1 || !(value < previousQuarter)) {
            return null;
        }
        Period prev = p.previous();
        String zh = String.format("%s%s累计%s%s，低于%s累计%s%s", label(p, ind), ind.nameZh(), fmt(value), ind.unit(),
                label(prev, ind), fmt(previousQuarter), ind.unit());
        String en = String.format("%s %s year-to-date %s %s is below the %s figure %s", labelEn(p, ind), ind.nameEn(), fmt(value),
                ind.unit(), labelEn(prev, ind), fmt(previousQuarter));
        return new Finding(RuleSettings.YTD_DECREASE, "critical", platform, ind.code(), p.firstDay(), value, previousQuarter,
                value - previousQuarter, zh, en, new JsonObject());
    }

    // ---- missing_submission 未按时报送 ----

    public static Finding missingSubmission(RuleSettings s, String platform, Period p, List<String> missingNamesZh,
                                            List<String> missingCodes, int expected) {
        if (!s.enabled(RuleSettings.MISSING_SUBMISSION, null) || missingCodes.isEmpty()) return null;
        String zh = String.format("%s未按时报送：缺少%d项基础指标（%s）", labelQuarter(p), missingCodes.size(), String.join("、", missingNamesZh));
        String en = String.format("%s not submitted in time: %d base indicators missing (%s)", p, missingCodes.size(),
                String.join(", ", missingCodes));
        return new Finding(RuleSettings.MISSING_SUBMISSION, "warning", platform, "", p.firstDay(), (double) (expected - missingCodes.size()),
                (double) expected, (double) missingCodes.size(), zh, en,
                new JsonObject().put("missing", new io.vertx.core.json.JsonArray(missingCodes)));
    }

    // ---- rank_drop 排名下滑 ----

    public static Finding rankDrop(RuleSettings s, String scheme, String schemeName, String platform, int year, int rank, String cls,
                                   int previousRank, String previousClass) {
        if (!s.enabled(RuleSettings.RANK_DROP, null)) return null;
        double places = s.number(RuleSettings.RANK_DROP, null, "places", 5);
        int drop = rank - previousRank;
        boolean classFell = cls.compareTo(previousClass) > 0;
        if (drop < places && !classFell) return null;
        String severity = classFell && "D".equals(cls) ? "critical" : "warning";
        String zh = String.format("%d年%s排名第%d名，较上年%s（%s→%s）", year, schemeName, rank,
                drop > 0 ? "下降" + drop + "位" : "名次未降", previousClass, cls);
        String en = String.format("%d %s: rank %d, %s on the year before (class %s → %s)", year, scheme, rank,
                drop > 0 ? "down " + drop + " places" : "no fall in places", previousClass, cls);
        return new Finding(RuleSettings.RANK_DROP, severity, platform, scheme, new Period(year, 4).firstDay(), (double) rank,
                (double) previousRank, (double) drop, zh, en, new JsonObject().put("class", cls).put("previousClass", previousClass));
    }

    // ---- below_benchmark 低于基准值 ----

    public static Finding belowBenchmark(RuleSettings s, Indicator ind, String platform, int year, double value, double benchmark) {
        if (!s.enabled(RuleSettings.BELOW_BENCHMARK, ind.code())) return null;
        boolean below = ind.better() == Indicator.Better.LOWER ? value > benchmark : value < benchmark;
        if (!below) return null;
        String zh = String.format("%d年%s为%s%s，%s基准值%s", year, ind.nameZh(), fmt(value), ind.unit(),
                ind.better() == Indicator.Better.LOWER ? "高于" : "低于", fmt(benchmark));
        String en = String.format("%d %s %s %s is %s the benchmark %s", year, ind.nameEn(), fmt(value), ind.unit(),
                ind.better() == Indicator.Better.LOWER ? "above" : "below", fmt(benchmark));
        return new Finding(RuleSettings.BELOW_BENCHMARK, "info", platform, ind.code(), new Period(year, 4).firstDay(), value, benchmark,
                value - benchmark, zh, en, new JsonObject());
    }

    // ---- wording ----

    /** "2025年1-9月" for year-to-date flows, "2025年第3季度" otherwise. */
    static String label(Period p, Indicator ind) {
        return ind.kind() == Indicator.Kind.YTD_FLOW || ind.derived() ? p.year() + "年1-" + (p.quarter() * 3) + "月" : labelQuarter(p);
    }

    static String labelQuarter(Period p) {
        return p.year() + "年第" + p.quarter() + "季度";
    }

    static String labelEn(Period p, Indicator ind) {
        String[] months = {"Mar", "Jun", "Sep", "Dec"};
        return ind.kind() == Indicator.Kind.YTD_FLOW || ind.derived() ? "Jan-" + months[p.quarter() - 1] + " " + p.year() : p.toString();
    }

    /** Numbers as people read them: at most 4 significant decimals, no exponent. */
    static String fmt(double v) {
        double a = Math.abs(v);
        if (a >= 1000) return String.format(Locale.ROOT, "%.0f", v);
        if (a >= 10) return String.format(Locale.ROOT, "%.1f", v);
        if (a >= 0.1) return String.format(Locale.ROOT, "%.2f", v);
        return String.format(Locale.ROOT, "%.4g", v);
    }
}
