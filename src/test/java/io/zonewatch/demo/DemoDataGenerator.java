package io.zonewatch.demo;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Deterministic generator of the demo data set shipped under {@code src/main/resources/demo}:
 * about 60 real-named development zones of Zhejiang and their quarterly statistics 2016Q1–2025Q4,
 * with a handful of planted anomalies for the warning rules to find.
 *
 * <p>Determinism: only {@link SplittableRandom} with fixed seeds (its SplitMix64 algorithm is
 * specified), only {@code + - * /} on doubles (IEEE-exact on every JVM since Java 17), no
 * {@code Math.pow}/{@code exp}, no {@code nextGaussian}, doubles turned into decimals through
 * {@code new BigDecimal(double)} (exact, unlike {@code BigDecimal.valueOf}, which depends on
 * {@code Double.toString}), no hash-ordered collections in the output.
 *
 * <p>Run from the repository root:
 * {@code javac -encoding UTF-8 -d /tmp/demo-build src/main/java/io/zonewatch/demo/DemoFiles.java src/test/java/io/zonewatch/demo/DemoDataGenerator.java &&
 * java -cp /tmp/demo-build io.zonewatch.demo.DemoDataGenerator src/main/resources/demo}.
 * ({@code -encoding UTF-8} matters where the platform charset is not UTF-8: the names are Chinese
 * literals.) {@code DemoDataGeneratorTest} fails when the shipped files and this class disagree.
 */
public final class DemoDataGenerator {

    /** Master seed; every random stream is derived from it and a stream name. */
    static final long SEED = 20_160_101L;

    public static final int FIRST_YEAR = DemoFiles.FIRST_YEAR;
    public static final int LAST_YEAR = DemoFiles.LAST_YEAR;
    static final int YEARS = LAST_YEAR - FIRST_YEAR + 1;
    static final int PERIODS = YEARS * 4;

    public static final String PLATFORMS_FILE = DemoFiles.PLATFORMS_FILE;
    public static final String REVISIONS_FILE = DemoFiles.REVISIONS_FILE;
    public static final String PLATFORM_HEADER = DemoFiles.PLATFORM_HEADER;
    public static final String FEED_HEADER = DemoFiles.FEED_HEADER;

    /**
     * Feed files in load order, as paths relative to the demo root (the same keys as in
     * {@link #generate()}): one file per year, then the bureau's correction feed.
     */
    public static final List<String> FEED_FILES = DemoFiles.FEED_FILES;

    // ---------------------------------------------------------------- planted anomalies

    public static final String SUSPECT_UNIT_PLATFORM = "ZJ-JX-JS-ETDZ";
    public static final String YTD_DECREASE_PLATFORM = "ZJ-TZ-WL-EDZ";
    public static final String MISSING_SUBMISSION_PLATFORM = "ZJ-LS-JY-EDZ";
    public static final String YOY_DROP_PLATFORM = "ZJ-NB-NH-EDZ";
    public static final String RD_OUTLIER_PLATFORM = "ZJ-ZS-HTZ";

    /** What a warning system should find in the demo data, one line each: rule, where, what. */
    public static final List<String> PLANTED_ANOMALIES = List.of(
            "suspect_unit: " + SUSPECT_UNIT_PLATFORM + " industrial_value_added 2025Q2 submitted in 元 without"
                    + " a unit, i.e. 10,000x too large (so its 2025Q3 also looks like a YTD decrease)",
            "ytd_decrease: " + YTD_DECREASE_PLATFORM + " tax_revenue 2025Q3 YTD about 6 % below its 2025Q2 YTD"
                    + " (a tax refund netted against the cumulative figure)",
            "missing_submission: " + MISSING_SUBMISSION_PLATFORM + " sends no row at all for 2025Q3"
                    + " (2025Q1, 2025Q2 and 2025Q4 are complete)",
            "yoy_change: " + YOY_DROP_PLATFORM + " fixed_asset_investment 2025Q1-2025Q4 about 35 % below the"
                    + " same quarter of 2024",
            "peer_outlier: " + RD_OUTLIER_PLATFORM + " rd_expenditure 2025Q1-2025Q4 about 12 % of operating_revenue,"
                    + " R&D intensity far above its hitech peers (3-4.5 %)");

    private DemoDataGenerator() {
    }

    // ---------------------------------------------------------------- catalog

    /** The base indicators in catalog order; the order of rows within a platform and period. */
    enum Indicator {
        FIXED_ASSET_INVESTMENT("fixed_asset_investment", true, true),
        INDUSTRIAL_OUTPUT("industrial_output", true, true),
        INDUSTRIAL_VALUE_ADDED("industrial_value_added", true, true),
        OPERATING_REVENUE("operating_revenue", true, true),
        TAX_REVENUE("tax_revenue", true, true),
        RD_EXPENDITURE("rd_expenditure", true, true),
        HIGH_TECH_VALUE_ADDED("high_tech_value_added", true, true),
        ENERGY_CONSUMPTION("energy_consumption", true, false),
        WATER_CONSUMPTION("water_consumption", true, false),
        COD_EMISSIONS("cod_emissions", true, false),
        EMPLOYEES("employees", false, false),
        LAND_AREA("land_area", false, false);

        final String code;
        /** ytd_flow (else stock). */
        final boolean flow;
        /** Canonical unit 万元, so a feed may also send it in 亿元 or 元. */
        final boolean money;

        Indicator(String code, boolean flow, boolean money) {
            this.code = code;
            this.flow = flow;
            this.money = money;
        }

        /** Stocks are head counts and 亩: whole numbers. */
        int scale() {
            return flow ? 2 : 0;
        }
    }

    static final Indicator[] INDICATORS = Indicator.values();
    static final int IND = INDICATORS.length;

    // ---------------------------------------------------------------- platforms

    /** Size class: 2016 industrial output in 万元 and the range of the zone's growth trend. */
    enum Tier {
        L(9.0e6, 1.9e7, 0.02, 0.075),
        M(2.5e6, 8.0e6, 0.00, 0.14),
        S(5.0e5, 1.6e6, -0.02, 0.12),
        XS(3.0e5, 1.0e6, -0.02, 0.10);

        final double minOutput;
        final double maxOutput;
        final double minGrowth;
        final double maxGrowth;

        Tier(double minOutput, double maxOutput, double minGrowth, double maxGrowth) {
            this.minOutput = minOutput;
            this.maxOutput = maxOutput;
            this.minGrowth = minGrowth;
            this.maxGrowth = maxGrowth;
        }
    }

    /** A row of platforms.csv plus the size class its numbers are drawn from. */
    record Platform(String code, String name, String nameEn, String level, String type, String region,
                    String parentCode, LocalDate activeFrom, LocalDate activeTo, Tier tier) {

        /** Reports for a quarter only when active for the whole quarter. */
        boolean activeIn(int year, int quarter) {
            LocalDate start = LocalDate.of(year, quarter * 3 - 2, 1);
            LocalDate end = start.plusMonths(3).minusDays(1);
            return (activeFrom == null || !activeFrom.isAfter(start))
                    && (activeTo == null || !activeTo.isBefore(end));
        }
    }

    private static final String ETDZ_EN = " Economic and Technological Development Zone";
    private static final String EDZ_EN = " Economic Development Zone";
    private static final String HTZ_EN = " Hi-tech Industrial Development Zone";
    private static final String HTP_EN = " Hi-tech Industrial Park";

    /** The platforms in file order (real names; sizes are invented). */
    static final List<Platform> PLATFORMS = List.of(
            // national economic and technological development zones 国家级经济技术开发区
            nat("ZJ-HZ-ETDZ", "杭州经济技术开发区", "Hangzhou" + ETDZ_EN, "etdz", "杭州市/钱塘区", Tier.L),
            nat("ZJ-HZ-XS-ETDZ", "萧山经济技术开发区", "Xiaoshan" + ETDZ_EN, "etdz", "杭州市/萧山区", Tier.L),
            nat("ZJ-HZ-YH-ETDZ", "杭州余杭经济技术开发区", "Hangzhou Yuhang" + ETDZ_EN, "etdz", "杭州市/临平区", Tier.M),
            nat("ZJ-HZ-FY-ETDZ", "富阳经济技术开发区", "Fuyang" + ETDZ_EN, "etdz", "杭州市/富阳区", Tier.M),
            nat("ZJ-NB-ETDZ", "宁波经济技术开发区", "Ningbo" + ETDZ_EN, "etdz", "宁波市/北仑区", Tier.L),
            nat("ZJ-NB-DX-ETDZ", "宁波大榭开发区", "Ningbo Daxie Development Zone", "etdz", "宁波市/北仑区", Tier.M),
            nat("ZJ-NB-HZW-ETDZ", "宁波杭州湾经济技术开发区", "Ningbo Hangzhou Bay" + ETDZ_EN, "etdz", "宁波市/慈溪市",
                    Tier.L),
            nat("ZJ-NB-SH-ETDZ", "宁波石化经济技术开发区", "Ningbo Petrochemical" + ETDZ_EN, "etdz", "宁波市/镇海区",
                    Tier.L),
            nat("ZJ-WZ-ETDZ", "温州经济技术开发区", "Wenzhou" + ETDZ_EN, "etdz", "温州市/龙湾区", Tier.M),
            nat("ZJ-JX-ETDZ", "嘉兴经济技术开发区", "Jiaxing" + ETDZ_EN, "etdz", "嘉兴市/南湖区", Tier.M),
            nat("ZJ-JX-JS-ETDZ", "嘉善经济技术开发区", "Jiashan" + ETDZ_EN, "etdz", "嘉兴市/嘉善县", Tier.M),
            nat("ZJ-JX-PH-ETDZ", "平湖经济技术开发区", "Pinghu" + ETDZ_EN, "etdz", "嘉兴市/平湖市", Tier.M),
            nat("ZJ-JX-TX-ETDZ", "桐乡经济技术开发区", "Tongxiang" + ETDZ_EN, "etdz", "嘉兴市/桐乡市", Tier.M),
            nat("ZJ-HU-ETDZ", "湖州经济技术开发区", "Huzhou" + ETDZ_EN, "etdz", "湖州市/吴兴区", Tier.M),
            nat("ZJ-HU-CX-ETDZ", "长兴经济技术开发区", "Changxing" + ETDZ_EN, "etdz", "湖州市/长兴县", Tier.M),
            nat("ZJ-SX-PJ-ETDZ", "绍兴袍江经济技术开发区", "Shaoxing Paojiang" + ETDZ_EN, "etdz", "绍兴市/越城区", Tier.M),
            nat("ZJ-SX-KQ-ETDZ", "绍兴柯桥经济技术开发区", "Shaoxing Keqiao" + ETDZ_EN, "etdz", "绍兴市/柯桥区", Tier.L),
            nat("ZJ-SX-SY-ETDZ", "杭州湾上虞经济技术开发区", "Hangzhou Bay Shangyu" + ETDZ_EN, "etdz", "绍兴市/上虞区",
                    Tier.M),
            nat("ZJ-JH-ETDZ", "金华经济技术开发区", "Jinhua" + ETDZ_EN, "etdz", "金华市/婺城区", Tier.M),
            nat("ZJ-JH-YW-ETDZ", "义乌经济技术开发区", "Yiwu" + ETDZ_EN, "etdz", "金华市/义乌市", Tier.M),
            nat("ZJ-QZ-ETDZ", "衢州经济技术开发区", "Quzhou" + ETDZ_EN, "etdz", "衢州市/柯城区", Tier.M),
            nat("ZJ-TZ-TZW-ETDZ", "台州湾经济技术开发区", "Taizhou Bay" + ETDZ_EN, "etdz", "台州市/椒江区", Tier.M),
            nat("ZJ-LS-ETDZ", "丽水经济技术开发区", "Lishui" + ETDZ_EN, "etdz", "丽水市/莲都区", Tier.S),
            // national hi-tech industrial development zones 国家高新技术产业开发区
            nat("ZJ-HZ-HTZ", "杭州高新技术产业开发区", "Hangzhou" + HTZ_EN, "hitech", "杭州市/滨江区", Tier.L),
            nat("ZJ-HZ-LJ-HTZ", "萧山临江高新技术产业开发区", "Xiaoshan Linjiang" + HTZ_EN, "hitech", "杭州市/钱塘区",
                    Tier.M),
            nat("ZJ-NB-HTZ", "宁波高新技术产业开发区", "Ningbo" + HTZ_EN, "hitech", "宁波市/鄞州区", Tier.M),
            nat("ZJ-WZ-HTZ", "温州高新技术产业开发区", "Wenzhou" + HTZ_EN, "hitech", "温州市/龙湾区", Tier.M),
            nat("ZJ-SX-HTZ", "绍兴高新技术产业开发区", "Shaoxing" + HTZ_EN, "hitech", "绍兴市/越城区", Tier.M),
            nat("ZJ-QZ-HTZ", "衢州高新技术产业开发区", "Quzhou" + HTZ_EN, "hitech", "衢州市/衢江区", Tier.M),
            nat("ZJ-HU-MGS-HTZ", "湖州莫干山高新技术产业开发区", "Huzhou Moganshan" + HTZ_EN, "hitech", "湖州市/德清县",
                    Tier.M),
            nat("ZJ-JX-XZ-HTZ", "嘉兴秀洲高新技术产业开发区", "Jiaxing Xiuzhou" + HTZ_EN, "hitech", "嘉兴市/秀洲区",
                    Tier.M),
            // provincial hi-tech zones and parks 省级高新技术产业园区
            prov("ZJ-JH-HTZ", "金华高新技术产业开发区", "Jinhua" + HTZ_EN, "hitech", "金华市/金东区", Tier.S),
            prov("ZJ-HZ-QSH-HTZ", "杭州青山湖高新技术产业园区", "Hangzhou Qingshan Lake" + HTP_EN, "hitech",
                    "杭州市/临安区", Tier.S),
            prov("ZJ-SX-XC-HTZ", "新昌高新技术产业园区", "Xinchang" + HTP_EN, "hitech", "绍兴市/新昌县", Tier.S),
            prov("ZJ-ZS-HTZ", "舟山高新技术产业园区", "Zhoushan" + HTP_EN, "hitech", "舟山市/定海区", Tier.S),
            prov("ZJ-TZ-HTZ", "台州高新技术产业园区", "Taizhou" + HTP_EN, "hitech", "台州市/路桥区", Tier.S),
            prov("ZJ-JX-HN-HTZ", "海宁高新技术产业园区", "Haining" + HTP_EN, "hitech", "嘉兴市/海宁市", Tier.S),
            prov("ZJ-WZ-RA-HTZ", "瑞安高新技术产业园区", "Rui'an" + HTP_EN, "hitech", "温州市/瑞安市", Tier.S),
            // provincial economic development zones 省级经济开发区
            prov("ZJ-HZ-TL-EDZ", "桐庐经济开发区", "Tonglu" + EDZ_EN, "etdz", "杭州市/桐庐县", Tier.S),
            prov("ZJ-HZ-JD-EDZ", "建德经济开发区", "Jiande" + EDZ_EN, "etdz", "杭州市/建德市", Tier.S),
            prov("ZJ-NB-YY-EDZ", "余姚经济开发区", "Yuyao" + EDZ_EN, "etdz", "宁波市/余姚市", Tier.S),
            prov("ZJ-NB-NH-EDZ", "宁海经济开发区", "Ninghai" + EDZ_EN, "etdz", "宁波市/宁海县", Tier.S),
            prov("ZJ-WZ-PY-EDZ", "平阳经济开发区", "Pingyang" + EDZ_EN, "etdz", "温州市/平阳县", Tier.S),
            prov("ZJ-WZ-YQ-EDZ", "乐清经济开发区", "Yueqing" + EDZ_EN, "etdz", "温州市/乐清市", Tier.S),
            prov("ZJ-JX-HY-EDZ", "海盐经济开发区", "Haiyan" + EDZ_EN, "etdz", "嘉兴市/海盐县", Tier.S),
            prov("ZJ-HU-AJ-EDZ", "安吉经济开发区", "Anji" + EDZ_EN, "etdz", "湖州市/安吉县", Tier.S),
            prov("ZJ-SX-ZJ-EDZ", "诸暨经济开发区", "Zhuji" + EDZ_EN, "etdz", "绍兴市/诸暨市", Tier.S),
            prov("ZJ-SX-SZ-EDZ", "嵊州经济开发区", "Shengzhou" + EDZ_EN, "etdz", "绍兴市/嵊州市", Tier.S),
            prov("ZJ-JH-YK-EDZ", "永康经济开发区", "Yongkang" + EDZ_EN, "etdz", "金华市/永康市", Tier.S),
            prov("ZJ-JH-DY-EDZ", "东阳经济开发区", "Dongyang" + EDZ_EN, "etdz", "金华市/东阳市", Tier.S),
            prov("ZJ-QZ-JS-EDZ", "江山经济开发区", "Jiangshan" + EDZ_EN, "etdz", "衢州市/江山市", Tier.S),
            prov("ZJ-ZS-EDZ", "舟山经济开发区", "Zhoushan" + EDZ_EN, "etdz", "舟山市/定海区", Tier.S),
            prov("ZJ-TZ-WL-EDZ", "温岭经济开发区", "Wenling" + EDZ_EN, "etdz", "台州市/温岭市", Tier.S),
            prov("ZJ-LS-JY-EDZ", "缙云经济开发区", "Jinyun" + EDZ_EN, "etdz", "丽水市/缙云县", Tier.S),
            // sub-parks 分区/分园: report separately, belong to a main platform
            new Platform("ZJ-SX-KQ-ETDZ-BH", "绍兴柯桥经济技术开发区滨海分区", "Shaoxing Keqiao ETDZ Binhai Sub-zone",
                    "municipal", "etdz", "绍兴市/柯桥区", "ZJ-SX-KQ-ETDZ", null, null, Tier.S),
            new Platform("ZJ-WZ-HTZ-YQ", "温州高新技术产业开发区乐清分园", "Wenzhou Hi-tech Zone Yueqing Sub-park",
                    "municipal", "hitech", "温州市/乐清市", "ZJ-WZ-HTZ", null, null, Tier.S),
            // comprehensive bonded zones 综合保税区
            nat("ZJ-HZ-CBZ", "杭州综合保税区", "Hangzhou Comprehensive Bonded Zone", "bonded", "杭州市/钱塘区", Tier.XS),
            nat("ZJ-NB-MS-CBZ", "宁波梅山综合保税区", "Ningbo Meishan Comprehensive Bonded Zone", "bonded",
                    "宁波市/北仑区", Tier.XS),
            // industrial functional zones 产业功能区: one merged away at the end of 2021, one set up in 2019
            new Platform("ZJ-HZ-DJD-FZ", "杭州大江东产业集聚区", "Hangzhou Dajiangdong Industrial Cluster Zone",
                    "provincial", "functional_zone", "杭州市/钱塘区", "", null, LocalDate.of(2021, 12, 31), Tier.M),
            new Platform("ZJ-HU-NTH-FZ", "湖州南太湖新区", "Huzhou South Taihu New Area",
                    "provincial", "functional_zone", "湖州市/吴兴区", "", LocalDate.of(2019, 1, 1), null, Tier.M),
            new Platform("ZJ-WZ-OJK-FZ", "温州瓯江口产业集聚区", "Wenzhou Oujiangkou Industrial Cluster Zone",
                    "municipal", "functional_zone", "温州市/洞头区", "", null, null, Tier.S),
            // town industrial parks 镇街工业园区
            town("ZJ-HZ-XS-GL-TP", "萧山区瓜沥镇工业园区", "Guali Town Industrial Park", "杭州市/萧山区"),
            town("ZJ-WZ-YQ-LS-TP", "乐清市柳市镇工业园区", "Liushi Town Industrial Park", "温州市/乐清市"),
            town("ZJ-SX-ZJ-DT-TP", "诸暨市大唐镇工业园区", "Datang Town Industrial Park", "绍兴市/诸暨市"));

    private static Platform nat(String code, String name, String nameEn, String type, String region, Tier tier) {
        return new Platform(code, name, nameEn, "national", type, region, "", null, null, tier);
    }

    private static Platform prov(String code, String name, String nameEn, String type, String region, Tier tier) {
        return new Platform(code, name, nameEn, "provincial", type, region, "", null, null, tier);
    }

    private static Platform town(String code, String name, String nameEn, String region) {
        return new Platform(code, name, nameEn, "county", "town_park", region, "", null, null, Tier.XS);
    }

    static int platformIndex(String code) {
        for (int p = 0; p < PLATFORMS.size(); p++) {
            if (PLATFORMS.get(p).code().equals(code)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown platform " + code);
    }

    // ---------------------------------------------------------------- profiles

    /**
     * The per-platform parameters behind the numbers: 2016 levels, a growth trend, the ratios that
     * tie the indicators to industrial output, how hard the zone works on its intensities, and
     * its usual calendar (share of the year reached by Q1, H1 and Q1–3).
     */
    record Profile(double output2016, double growth, double valueAddedRatio, double revenueRatio,
                   double taxRatio, double rdRatio, double highTechShare, double highTechShareGain,
                   double energyIntensity, double energySaving, double waterIntensity, double waterSaving,
                   double codDivisor, double codSaving, double investmentRatio,
                   double employees2016, double employeeDrift, double outputPerMu2016, double land2016,
                   double[] season) {
    }

    static Profile profile(Platform platform) {
        SplittableRandom r = rng("profile:" + platform.code());
        Tier tier = platform.tier();
        boolean hitech = platform.type().equals("hitech");
        double output = between(r, tier.minOutput, tier.maxOutput);
        double outputPerMu = spread(platform, 0, 250, 500);  // 万元 of output per 亩 in 2016
        return new Profile(
                output,
                between(r, tier.minGrowth, tier.maxGrowth),
                spread(platform, 1, 0.205, 0.27),
                spread(platform, 2, 1.08, 1.25),
                spread(platform, 3, 0.035, 0.063),
                hitech ? spread(platform, 4, 0.029, 0.036) : spread(platform, 4, 0.015, 0.025),
                hitech ? spread(platform, 5, 0.50, 0.64) : spread(platform, 5, 0.26, 0.45),
                hitech ? 0.010 : 0.007,
                spread(platform, 6, 0.40, 0.66),
                between(r, 0, 0.01),
                spread(platform, 7, 10, 19),
                between(r, 0, 0.01),
                spread(platform, 8, 3000, 5500),
                between(r, 0, 0.01),
                spread(platform, 9, 0.09, 0.22),
                // 90–160 万元 of output per head, but no zone below ~24,000 people
                Math.max(24_000 + between(r, 0, 6_000), output / spread(platform, 10, 90, 160)),
                between(r, 0, 0.008),
                outputPerMu,
                Math.min(75_000, Math.max(5_200 + between(r, 0, 1_500), output / outputPerMu)),
                new double[] {between(r, 0.215, 0.235), between(r, 0.465, 0.485), between(r, 0.725, 0.745)});
    }

    /**
     * A draw in [lo, hi) for one parameter of one platform, spread evenly over the platform's peer
     * group (same type) like a Latin hypercube: independent draws cluster by chance, and a median
     * absolute deviation rule then flags perfectly ordinary zones as outliers.
     */
    static double spread(Platform platform, int parameter, double lo, double hi) {
        List<Platform> peers = PLATFORMS.stream().filter(p -> p.type().equals(platform.type())).toList();
        int n = peers.size();
        SplittableRandom r = rng("spread:" + platform.type() + ":" + parameter);
        int[] stratum = new int[n];
        for (int k = 0; k < n; k++) {
            stratum[k] = k;
        }
        for (int k = n - 1; k > 0; k--) {  // Fisher–Yates
            int j = pick(r, k + 1);
            int swap = stratum[k];
            stratum[k] = stratum[j];
            stratum[j] = swap;
        }
        int member = peers.indexOf(platform);
        for (int k = 0; k < member; k++) {
            r.nextDouble();  // skip the offsets of the peers listed before this one
        }
        return lo + (hi - lo) * (stratum[member] + r.nextDouble()) / n;
    }

    // ---------------------------------------------------------------- time series

    static int periodIndex(int year, int quarter) {
        return (year - FIRST_YEAR) * 4 + quarter - 1;
    }

    static String period(int t) {
        return (FIRST_YEAR + t / 4) + "Q" + (t % 4 + 1);
    }

    /** Economy-wide effect on a year's growth: the 2020 COVID slump, the 2021 rebound, a soft 2022–23. */
    static double macro(int year, SplittableRandom r) {
        return switch (year) {
            case 2017 -> 0.01;
            case 2019 -> -0.01;
            case 2020 -> -0.06 - between(r, 0, 0.03);
            case 2021 -> 0.05 + between(r, 0, 0.03);
            case 2022 -> -0.02;
            case 2023 -> -0.015;
            case 2025 -> 0.005;
            default -> 0.0;
        };
    }

    /** Share of the year reached by Q1, H1 and Q1–3: the zone's calendar, except for the 2020 lockdown. */
    static double[] seasonality(Profile prof, int year, SplittableRandom r) {
        if (year == 2020) {
            return new double[] {between(r, 0.160, 0.180), between(r, 0.430, 0.450), between(r, 0.700, 0.720)};
        }
        double[] usual = prof.season();
        return new double[] {usual[0] + between(r, -0.005, 0.005), usual[1] + between(r, -0.005, 0.005),
            usual[2] + between(r, -0.005, 0.005)};
    }

    /**
     * The zone's own growth in a year: its trend converges halfway towards 5 % by 2025, as fast
     * starters mature and laggards catch up.
     */
    static double trendGrowth(Profile prof, int y) {
        return prof.growth() + (0.05 - prof.growth()) * 0.5 * y / (YEARS - 1);
    }

    /**
     * All quarterly values of one platform, 2016Q1–2025Q4, as if it had always been active:
     * {@code [indicator][period]}, flows year-to-date.
     */
    static BigDecimal[][] series(Platform platform, Profile prof) {
        SplittableRandom r = rng("series:" + platform.code());
        BigDecimal[][] values = new BigDecimal[IND][PERIODS];
        double output = prof.output2016();
        double energyIntensity = prof.energyIntensity();
        double waterIntensity = prof.waterIntensity();
        double codDivisor = prof.codDivisor();
        double employees = prof.employees2016();
        double land = prof.land2016();
        double outputPerMu = prof.outputPerMu2016();

        for (int y = 0; y < YEARS; y++) {
            int year = FIRST_YEAR + y;
            if (y > 0) {
                double growth = trendGrowth(prof, y);
                output *= 1 + growth + macro(year, r) + between(r, -0.015, 0.015);
                // Growing zones must cut intensities harder to stay within their energy and
                // emission quotas (能耗双控), so consumption grows much slower than output.
                double quota = 0.5 * Math.max(growth - 0.03, 0);
                energyIntensity = Math.max(0.24, energyIntensity * (1 - 0.02 - quota - prof.energySaving()));
                waterIntensity = Math.max(5.0, waterIntensity * (1 - 0.025 - quota - prof.waterSaving()));
                codDivisor = Math.min(12_000, codDivisor * (1 + 0.05 + quota + prof.codSaving()));
                employees *= 1 + 0.4 * growth + prof.employeeDrift() + (year == 2020 ? -0.01 : 0)
                        + between(r, -0.004, 0.004);
                outputPerMu *= 1.03;  // land is used more intensively every year (亩均论英雄)
            }
            double rdRatio = prof.rdRatio() + 0.0006 * y;  // R&D intensity creeps up everywhere
            double highTechShare = Math.min(0.74, prof.highTechShare() + prof.highTechShareGain() * y);

            double[] annual = new double[IND];
            double valueAdded = output * prof.valueAddedRatio() * jitter(r, 0.01);
            double revenue = output * prof.revenueRatio() * jitter(r, 0.015);
            annual[Indicator.FIXED_ASSET_INVESTMENT.ordinal()] = output * prof.investmentRatio() * jitter(r, 0.03);
            annual[Indicator.INDUSTRIAL_OUTPUT.ordinal()] = output;
            annual[Indicator.INDUSTRIAL_VALUE_ADDED.ordinal()] = valueAdded;
            annual[Indicator.OPERATING_REVENUE.ordinal()] = revenue;
            annual[Indicator.TAX_REVENUE.ordinal()] = revenue * prof.taxRatio() * jitter(r, 0.02);
            annual[Indicator.RD_EXPENDITURE.ordinal()] = revenue * rdRatio * jitter(r, 0.02);
            annual[Indicator.HIGH_TECH_VALUE_ADDED.ordinal()] = valueAdded * highTechShare * jitter(r, 0.015);
            annual[Indicator.ENERGY_CONSUMPTION.ordinal()] = valueAdded * energyIntensity * jitter(r, 0.01);
            // water intensity is in 立方米 per 万元, the indicator in 万立方米
            annual[Indicator.WATER_CONSUMPTION.ordinal()] = valueAdded * waterIntensity * jitter(r, 0.01) / 10_000;
            annual[Indicator.COD_EMISSIONS.ordinal()] = valueAdded / (codDivisor * jitter(r, 0.01));

            double[] season = seasonality(prof, year, r);
            for (Indicator ind : INDICATORS) {
                if (!ind.flow) {
                    continue;
                }
                for (int q = 0; q < 3; q++) {
                    double share = season[q] + between(r, -0.002, 0.002);
                    values[ind.ordinal()][y * 4 + q] = decimal(annual[ind.ordinal()] * share, 2);
                }
                values[ind.ordinal()][y * 4 + 3] = decimal(annual[ind.ordinal()], 2);
            }

            // Stocks: the head count breathes a little each quarter (and dipped in the 2020
            // lockdown); land follows output in steps, when a new plot is handed over.
            double landNeeded = Math.min(118_000, output / outputPerMu);
            int expansionQuarter = land < landNeeded * 0.97 ? pick(r, 4) : -1;
            for (int q = 0; q < 4; q++) {
                double heads = employees * jitter(r, 0.005);
                if (year == 2020 && q == 0) {
                    heads *= 1 - between(r, 0.03, 0.06);
                }
                if (q == expansionQuarter) {
                    land = Math.min(118_000, landNeeded * between(r, 1.0, 1.04));
                } else if (land < 110_000 && r.nextDouble() < 0.1) {
                    land *= 1 + between(r, 0.002, 0.008);
                }
                values[Indicator.EMPLOYEES.ordinal()][y * 4 + q] = decimal(heads, 0);
                values[Indicator.LAND_AREA.ordinal()][y * 4 + q] = decimal(land, 0);
            }
        }
        return values;
    }

    // ---------------------------------------------------------------- the data set

    /** Every cell {@code [platform][indicator][period]}; null = no row. Units: null = canonical. */
    record DataSet(BigDecimal[][][] values, String[][][] units, List<Revision> revisions) {
    }

    /** A corrected 2025 value sent in the revision feed. */
    record Revision(int platform, int indicator, int period, BigDecimal value) {
    }

    /** Relative file path → content, in a fixed order (platforms, years, revisions). */
    public static Map<String, String> generate() {
        DataSet data = dataSet();
        Map<String, String> files = new LinkedHashMap<>();
        files.put(PLATFORMS_FILE, platformsCsv());
        for (int year = FIRST_YEAR; year <= LAST_YEAR; year++) {
            files.put(yearFile(year), feedCsv(data, year));
        }
        files.put(REVISIONS_FILE, revisionsCsv(data.revisions()));
        return files;
    }

    static DataSet dataSet() {
        int n = PLATFORMS.size();
        BigDecimal[][][] values = new BigDecimal[n][][];
        for (int p = 0; p < n; p++) {
            Platform platform = PLATFORMS.get(p);
            values[p] = series(platform, profile(platform));
            for (int t = 0; t < PERIODS; t++) {
                if (!platform.activeIn(FIRST_YEAR + t / 4, t % 4 + 1)) {
                    for (int i = 0; i < IND; i++) {
                        values[p][i][t] = null;
                    }
                }
            }
        }
        plantAnomalies(values);
        String[][][] units = foreignUnits(values);
        List<Revision> revisions = revisions(values);
        return new DataSet(values, units, revisions);
    }

    /** The five planted anomalies of {@link #PLANTED_ANOMALIES}, applied in place. */
    static void plantAnomalies(BigDecimal[][][] values) {
        SplittableRandom r = rng("anomalies");
        int q1 = periodIndex(2025, 1);
        int q2 = periodIndex(2025, 2);
        int q3 = periodIndex(2025, 3);

        // (a) value added sent in 元 with the unit column left empty
        BigDecimal[] va = values[platformIndex(SUSPECT_UNIT_PLATFORM)][Indicator.INDUSTRIAL_VALUE_ADDED.ordinal()];
        va[q2] = va[q2].movePointRight(4);

        // (b) the Q1–3 tax figure nets a refund and comes out below Q1–2
        BigDecimal[] tax = values[platformIndex(YTD_DECREASE_PLATFORM)][Indicator.TAX_REVENUE.ordinal()];
        tax[q3] = times(tax[q2], 0.94);

        // (c) no 2025Q3 submission at all
        for (BigDecimal[] indicator : values[platformIndex(MISSING_SUBMISSION_PLATFORM)]) {
            indicator[q3] = null;
        }

        // (d) investment collapses: each 2025 quarter ~35 % below the same quarter of 2024
        BigDecimal[] fai = values[platformIndex(YOY_DROP_PLATFORM)][Indicator.FIXED_ASSET_INVESTMENT.ordinal()];
        for (int q = 0; q < 4; q++) {
            fai[q1 + q] = times(fai[q1 + q - 4], 0.65 + between(r, -0.015, 0.015));
        }

        // (e) R&D reported at ~12 % of revenue all through 2025
        BigDecimal[][] rdPlatform = values[platformIndex(RD_OUTLIER_PLATFORM)];
        for (int q = 0; q < 4; q++) {
            BigDecimal revenue = rdPlatform[Indicator.OPERATING_REVENUE.ordinal()][q1 + q];
            rdPlatform[Indicator.RD_EXPENDITURE.ordinal()][q1 + q] = times(revenue, 0.12 + between(r, -0.004, 0.004));
        }
    }

    /**
     * Twenty 2017/2018 money rows sent in 亿元 or 元 (marked in the unit column), as some
     * county bureaus did before the template was unified; converted they equal the canonical value.
     */
    static String[][][] foreignUnits(BigDecimal[][][] values) {
        SplittableRandom r = rng("units");
        String[][][] units = new String[PLATFORMS.size()][IND][PERIODS];
        List<Indicator> money = new ArrayList<>();
        for (Indicator ind : INDICATORS) {
            if (ind.money) {
                money.add(ind);
            }
        }
        int placed = 0;
        while (placed < 20) {
            int p = pick(r, PLATFORMS.size());
            int i = money.get(pick(r, money.size())).ordinal();
            int t = periodIndex(2017 + pick(r, 2), 1 + pick(r, 4));
            if (values[p][i][t] == null || units[p][i][t] != null) {
                continue;
            }
            units[p][i][t] = placed % 5 < 3 ? "亿元" : "元";
            placed++;
        }
        return units;
    }

    /**
     * About 30 corrections of 2025Q2/Q3 values, a few percent off, never on a planted anomaly and
     * never breaking the year-to-date order of a flow.
     */
    static List<Revision> revisions(BigDecimal[][][] values) {
        SplittableRandom r = rng("revisions");
        List<String> planted = List.of(SUSPECT_UNIT_PLATFORM, YTD_DECREASE_PLATFORM, MISSING_SUBMISSION_PLATFORM,
                YOY_DROP_PLATFORM, RD_OUTLIER_PLATFORM);
        int q1 = periodIndex(2025, 1);
        BigDecimal[][][] revised = new BigDecimal[PLATFORMS.size()][IND][];
        List<Revision> revisions = new ArrayList<>();
        while (revisions.size() < 30) {
            int p = pick(r, PLATFORMS.size());
            int i = pick(r, Indicator.LAND_AREA.ordinal());  // any flow, or employees
            int t = q1 + 1 + pick(r, 2);
            if (planted.contains(PLATFORMS.get(p).code()) || values[p][i][t] == null
                    || revised[p][i] != null && revised[p][i][t - q1] != null) {
                continue;
            }
            double size = INDICATORS[i].flow ? between(r, 0.01, 0.04) : between(r, 0.01, 0.03);
            BigDecimal value = times(values[p][i][t], r.nextDouble() < 0.5 ? 1 - size : 1 + size);
            BigDecimal[] year = revised[p][i] == null ? new BigDecimal[4] : revised[p][i].clone();
            for (int q = 0; q < 4; q++) {
                year[q] = year[q] != null ? year[q] : values[p][i][q1 + q];
            }
            year[t - q1] = value;
            if (INDICATORS[i].flow && !(year[0].compareTo(year[1]) <= 0 && year[1].compareTo(year[2]) <= 0
                    && year[2].compareTo(year[3]) <= 0)) {
                continue;  // would turn into an accidental YTD decrease
            }
            if (revised[p][i] == null) {
                revised[p][i] = new BigDecimal[4];
            }
            revised[p][i][t - q1] = value;
            revisions.add(new Revision(p, i, t, value));
        }
        revisions.sort(Comparator.comparingInt(Revision::period)
                .thenComparingInt(Revision::platform)
                .thenComparingInt(Revision::indicator));
        return revisions;
    }

    // ---------------------------------------------------------------- CSV

    static String yearFile(int year) {
        return DemoFiles.yearFile(year);
    }

    static String platformsCsv() {
        StringBuilder out = new StringBuilder(PLATFORM_HEADER).append('\n');
        for (Platform p : PLATFORMS) {
            out.append(csv(p.code())).append(',')
                    .append(csv(p.name())).append(',')
                    .append(csv(p.nameEn())).append(',')
                    .append(p.level()).append(',')
                    .append(p.type()).append(',')
                    .append(csv(p.region())).append(',')
                    .append(csv(p.parentCode())).append(',')
                    .append(p.activeFrom() == null ? "" : p.activeFrom().toString()).append(',')
                    .append(p.activeTo() == null ? "" : p.activeTo().toString()).append('\n');
        }
        return out.toString();
    }

    /** One year's feed: quarter by quarter, platforms in file order, indicators in catalog order. */
    static String feedCsv(DataSet data, int year) {
        StringBuilder out = new StringBuilder(FEED_HEADER).append('\n');
        for (int q = 1; q <= 4; q++) {
            int t = periodIndex(year, q);
            for (int p = 0; p < PLATFORMS.size(); p++) {
                for (int i = 0; i < IND; i++) {
                    BigDecimal value = data.values()[p][i][t];
                    if (value != null) {
                        row(out, p, i, t, value, data.units()[p][i][t]);
                    }
                }
            }
        }
        return out.toString();
    }

    static String revisionsCsv(List<Revision> revisions) {
        StringBuilder out = new StringBuilder(FEED_HEADER).append('\n');
        for (Revision rev : revisions) {
            row(out, rev.platform(), rev.indicator(), rev.period(), rev.value(), null);
        }
        return out.toString();
    }

    private static void row(StringBuilder out, int p, int i, int t, BigDecimal canonical, String unit) {
        BigDecimal value = canonical;
        if ("亿元".equals(unit)) {
            value = canonical.movePointLeft(4).stripTrailingZeros();
        } else if ("元".equals(unit)) {
            value = canonical.movePointRight(4);
        }
        // the last quarter of the data set is provisional until the annual figures are final
        String status = t == PERIODS - 1 ? "P" : "A";
        out.append(PLATFORMS.get(p).code()).append(',')
                .append(INDICATORS[i].code).append(',')
                .append(period(t)).append(',')
                .append(value.toPlainString()).append(',')
                .append(unit == null ? "" : unit).append(',')
                .append(status).append('\n');
    }

    private static String csv(String field) {
        if (field.indexOf(',') < 0 && field.indexOf('"') < 0 && field.indexOf('\n') < 0) {
            return field;
        }
        return '"' + field.replace("\"", "\"\"") + '"';
    }

    // ---------------------------------------------------------------- numbers

    /** An independent, reproducible stream per purpose, so editing one part leaves the rest alone. */
    static SplittableRandom rng(String stream) {
        return new SplittableRandom(SEED * 1_000_003L + stream.hashCode());
    }

    static double between(SplittableRandom r, double lo, double hi) {
        return lo + (hi - lo) * r.nextDouble();
    }

    static double jitter(SplittableRandom r, double amplitude) {
        return 1 + between(r, -amplitude, amplitude);
    }

    static int pick(SplittableRandom r, int n) {
        return (int) (r.nextDouble() * n);
    }

    /** Exact decimal of a double, rounded half-up: the same digits on every JVM. */
    static BigDecimal decimal(double value, int scale) {
        return new BigDecimal(value).setScale(scale, RoundingMode.HALF_UP);
    }

    /** value × factor with the factor cut to four decimals, keeping the value's scale. */
    static BigDecimal times(BigDecimal value, double factor) {
        BigDecimal f = BigDecimal.valueOf(Math.round(factor * 10_000), 4);
        return value.multiply(f).setScale(value.scale(), RoundingMode.HALF_UP);
    }

    // ---------------------------------------------------------------- main

    public static void main(String[] args) throws IOException {
        Path root = Path.of(args.length > 0 ? args[0] : "src/main/resources/demo");
        for (Map.Entry<String, String> file : generate().entrySet()) {
            Path target = root.resolve(file.getKey());
            Files.createDirectories(target.getParent());
            Files.write(target, file.getValue().getBytes(StandardCharsets.UTF_8));
        }
        System.out.println("wrote " + FEED_FILES.size() + " feeds and " + PLATFORMS_FILE + " under " + root);
    }
}
