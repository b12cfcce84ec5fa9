package io.zonewatch.alerts;

import io.vertx.core.json.JsonObject;

import java.time.LocalDate;

/**
 * A rule firing for one key (rule, platform, indicator, period), with the numbers that justify it and
 * a message in Chinese and English. {@code indicator} is "" for platform-wide warnings.
 */
public record Finding(String rule, String severity, String platform, String indicator, LocalDate period,
                      Double value, Double reference, Double deviation, String messageZh, String messageEn,
                      JsonObject details) {
}
