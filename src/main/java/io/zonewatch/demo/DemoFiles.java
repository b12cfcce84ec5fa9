package io.zonewatch.demo;

import java.util.ArrayList;
import java.util.List;

/**
 * The shipped demo data set's layout under {@code src/main/resources/demo/}: its years, its files in
 * load order and their headers. The files are written by {@code DemoDataGenerator}, a build-time tool in
 * the test sources (not shipped in the jar); {@code DemoDataGeneratorTest} checks they agree.
 */
public final class DemoFiles {
    public static final int FIRST_YEAR = 2016;
    public static final int LAST_YEAR = 2025;

    public static final String PLATFORMS_FILE = "platforms.csv";
    public static final String REVISIONS_FILE = "feeds/2025-revisions.csv";
    public static final String PLATFORM_HEADER = "code,name,name_en,level,type,region,parent_code,active_from,active_to";
    public static final String FEED_HEADER = "platform_code,indicator_code,period,value,unit,status";

    /** Feed files in load order, relative to the demo root: one file per year, then the bureau's correction feed. */
    public static final List<String> FEED_FILES = feedFiles();

    private DemoFiles() {
    }

    public static String yearFile(int year) {
        return "feeds/" + year + ".csv";
    }

    private static List<String> feedFiles() {
        List<String> files = new ArrayList<>();
        for (int year = FIRST_YEAR; year <= LAST_YEAR; year++) files.add(yearFile(year));
        files.add(REVISIONS_FILE);
        return List.copyOf(files);
    }
}
