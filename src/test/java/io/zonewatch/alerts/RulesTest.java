package io.zonewatch.alerts;

import io.vertx.core.json.JsonObject;
import io.zonewatch.catalog.DefaultCatalog;
import io.zonewatch.catalog.Indicator;
import io.zonewatch.observations.Period;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each rule fires on a planted case with the right severity and numbers, and not on a near miss. */
class RulesTest {
    private static final Map<String, Indicator> CATALOG = new HashMap<>();
    private static final RuleSettings DEFAULTS = new RuleSettings();

    static {
        DefaultCatalog.load().indicators().forEach(i -> CATALOG.put(i.code(), i));
        DEFAULTS.put("target_progress", "", true, new JsonObject().put("warning", 10).put("critical", 30));
    }

    private static Indicator ind(String code) {
        return CATALOG.get(code);
    }

    private static final Period Q3 = Period.parse("2025Q3");

    @Test
    void targetProgressLagInPointsWithTheDomainExample() {
        // 1-9月 FAI at 30.4 % of target: lag 75 − 30.4 = 44.6 points → critical
        Finding f = Rules.targetProgress(DEFAULTS, ind("fixed_asset_investment"), "P", Q3, 30.4, 100);
        assertEquals("critical", f.severity());
        assertEquals(44.6, f.deviation(), 1e-9);
        assertEquals("2025年1-9月固定资产投资完成年度目标30.4%，落后序时进度44.6个百分点", f.messageZh());
        assertEquals("warning", Rules.targetProgress(DEFAULTS, ind("fixed_asset_investment"), "P", Q3, 64.9, 100).severity()); // 10.1
        assertEquals("warning", Rules.targetProgress(DEFAULTS, ind("fixed_asset_investment"), "P", Q3, 45.0, 100).severity()); // exactly 30: not > 30
        assertNull(Rules.targetProgress(DEFAULTS, ind("fixed_asset_investment"), "P", Q3, 65.0, 100), "lag exactly 10 is not > 10");
        assertNull(Rules.targetProgress(DEFAULTS, ind("employees"), "P", Q3, 1, 100), "stocks have no 序时进度");
    }

    @Test
    void targetProgressIsReversedForLowerBetterFlows() {
        // energy at 90 % of the annual cap after Q2 (expected 50 %): 40 points ahead of schedule → critical
        Finding f = Rules.targetProgress(DEFAULTS, ind("energy_consumption"), "P", Period.parse("2025Q2"), 90, 100);
        assertEquals("critical", f.severity());
        assertEquals(40, f.deviation(), 1e-9);
        assertNull(Rules.targetProgress(DEFAULTS, ind("energy_consumption"), "P", Period.parse("2025Q2"), 30, 100));
    }

    @Test
    void yearOnYear() {
        Indicator fai = ind("fixed_asset_investment");
        assertEquals("critical", Rules.yoyChange(DEFAULTS, fai, "P", Q3, 65, 100).severity());      // −35 %
        assertEquals("warning", Rules.yoyChange(DEFAULTS, fai, "P", Q3, 90, 100).severity());       // −10 % exactly
        assertEquals(-10, Rules.yoyChange(DEFAULTS, fai, "P", Q3, 90, 100).deviation(), 1e-9);
        assertNull(Rules.yoyChange(DEFAULTS, fai, "P", Q3, 90.01, 100), "−9.99 % is a near miss");
        assertNull(Rules.yoyChange(DEFAULTS, fai, "P", Q3, 50, 0), "previous ≤ 0: no comparison");
        Indicator energy = ind("energy_consumption");
        assertEquals("critical", Rules.yoyChange(DEFAULTS, energy, "P", Q3, 120, 100).severity()); // +20 % energy
        assertNull(Rules.yoyChange(DEFAULTS, energy, "P", Q3, 50, 100), "less energy is good");
        assertNull(Rules.yoyChange(DEFAULTS, ind("land_area"), "P", Q3, 50, 100), "no better direction");
        assertNull(Rules.yoyChange(DEFAULTS, ind("value_added_growth"), "P", Q3, 1, 10), "no YoY of a growth rate");
    }

    @Test
    void peerOutliersUseTheModifiedZScore() {
        Map<String, Double> values = new LinkedHashMap<>();
        double[] x = {1, 2, 3, 4, 5, 6, 7, 8};
        for (int i = 0; i < x.length; i++) values.put("P" + i, x[i]);
        values.put("OUT", 20.0);
        // median 5, |x − 5| = 4,3,2,1,0,1,2,3,15 → MAD 2; z(20) = 0.6745 × 15 / 2 = 5.06; z(1) = −1.35
        List<Finding> found = Rules.peerOutliers(DEFAULTS, ind("rd_intensity"), "hitech", Q3, values);
        assertEquals(1, found.size());
        assertEquals("OUT", found.get(0).platform());
        assertEquals(0.6745 * 15 / 2, found.get(0).deviation(), 1e-9);
        assertEquals(5, found.get(0).reference(), 1e-12);
        values.put("OUT", 15.3);       // z = 0.6745 × 10.3 / 2 = 3.474: near miss
        assertTrue(Rules.peerOutliers(DEFAULTS, ind("rd_intensity"), "hitech", Q3, values).isEmpty());
        values.put("OUT", 1000.0);
        values.remove("P0");
        values.remove("P1");           // 7 peers: too few
        assertTrue(Rules.peerOutliers(DEFAULTS, ind("rd_intensity"), "hitech", Q3, values).isEmpty());
        assertTrue(Rules.peerOutliers(DEFAULTS, ind("tax_revenue"), "hitech", Q3, values).isEmpty(), "flows are not comparable");
        Map<String, Double> flat = new LinkedHashMap<>();
        for (int i = 0; i < 9; i++) flat.put("F" + i, 2.0);
        flat.put("X", 9.0);
        assertTrue(Rules.peerOutliers(DEFAULTS, ind("rd_intensity"), "hitech", Q3, flat).isEmpty(), "MAD 0: no z");
    }

    @Test
    void suspectUnitAtAThousandfold() {
        Indicator va = ind("industrial_value_added");
        Period prev = Period.parse("2025Q1");
        Finding f = Rules.suspectUnit(DEFAULTS, va, "P", Period.parse("2025Q2"), 16008412600.0, 738777.58, prev);
        assertEquals("critical", f.severity());
        assertEquals(16008412600.0 / 738777.58, f.deviation(), 1e-6);
        assertEquals("critical", Rules.suspectUnit(DEFAULTS, va, "P", Q3, 1000, 1, prev).severity(), "exactly 1000×");
        assertEquals("critical", Rules.suspectUnit(DEFAULTS, va, "P", Q3, 1, 1000, prev).severity(), "exactly 1/1000");
        assertNull(Rules.suspectUnit(DEFAULTS, va, "P", Q3, 999, 1, prev));
        assertNull(Rules.suspectUnit(DEFAULTS, va, "P", Q3, 1, 999, prev));
    }

    @Test
    void ytdDecreaseWithinTheYear() {
        Indicator tax = ind("tax_revenue");
        Finding f = Rules.ytdDecrease(DEFAULTS, tax, "P", Q3, 30948.43, 32923.86);
        assertEquals("critical", f.severity());
        assertEquals(30948.43 - 32923.86, f.deviation(), 1e-6);
        assertNull(Rules.ytdDecrease(DEFAULTS, tax, "P", Q3, 32923.86, 32923.86), "equal is not lower");
        assertNull(Rules.ytdDecrease(DEFAULTS, tax, "P", Period.parse("2025Q1"), 1, 100), "Q1 restarts the year");
        assertNull(Rules.ytdDecrease(DEFAULTS, ind("employees"), "P", Q3, 1, 100), "stocks may fall");
    }

    @Test
    void missingSubmissionListsTheIndicators() {
        Finding f = Rules.missingSubmission(DEFAULTS, "P", Q3, List.of("税收收入", "综合能耗"), List.of("tax_revenue", "energy_consumption"), 12);
        assertEquals("warning", f.severity());
        assertEquals("", f.indicator());
        assertEquals("2025年第3季度未按时报送：缺少2项基础指标（税收收入、综合能耗）", f.messageZh());
        assertNull(Rules.missingSubmission(DEFAULTS, "P", Q3, List.of(), List.of(), 12));
    }

    @Test
    void rankDropByPlacesOrClass() {
        assertEquals("warning", Rules.rankDrop(DEFAULTS, "mu", "亩均", "P", 2025, 15, "B", 10, "B").severity());
        assertNull(Rules.rankDrop(DEFAULTS, "mu", "亩均", "P", 2025, 14, "B", 10, "B"), "4 places: near miss");
        assertEquals("warning", Rules.rankDrop(DEFAULTS, "mu", "亩均", "P", 2025, 11, "C", 10, "B").severity(), "class fell");
        assertEquals("critical", Rules.rankDrop(DEFAULTS, "mu", "亩均", "P", 2025, 60, "D", 40, "C").severity(), "to class D");
        assertNull(Rules.rankDrop(DEFAULTS, "mu", "亩均", "P", 2025, 3, "A", 9, "B"), "moving up");
    }

    @Test
    void belowBenchmarkIsInformation() {
        assertEquals("info", Rules.belowBenchmark(DEFAULTS, ind("tax_per_mu"), "P", 2025, 9.9, 10).severity());
        assertNull(Rules.belowBenchmark(DEFAULTS, ind("tax_per_mu"), "P", 2025, 10, 10));
        assertEquals("info", Rules.belowBenchmark(DEFAULTS, ind("energy_per_value_added"), "P", 2025, 0.6, 0.5).severity());
    }

    @Test
    void rulesAndThresholdsAreConfigurablePerIndicator() {
        RuleSettings s = new RuleSettings();
        s.put("yoy_change", "", true, new JsonObject().put("warning", 10).put("critical", 20));
        s.put("yoy_change", "tax_revenue", true, new JsonObject().put("warning", 5));
        s.put("yoy_change", "operating_revenue", false, new JsonObject());
        assertEquals("warning", Rules.yoyChange(s, ind("tax_revenue"), "P", Q3, 94, 100).severity(), "5 % for tax");
        assertNull(Rules.yoyChange(s, ind("fixed_asset_investment"), "P", Q3, 94, 100), "10 % default elsewhere");
        assertNull(Rules.yoyChange(s, ind("operating_revenue"), "P", Q3, 10, 100), "switched off for revenue");
        assertEquals("critical", Rules.yoyChange(s, ind("tax_revenue"), "P", Q3, 70, 100).severity(), "critical default kept");
    }
}
