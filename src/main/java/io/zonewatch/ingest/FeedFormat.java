package io.zonewatch.ingest;

import java.util.Locale;

/** The three feed formats, told apart by the request's Content-Type. */
public enum FeedFormat {
    CSV("csv", "text/csv"),
    JSON("json", "application/json"),
    SDMX_CSV("sdmx-csv", "application/vnd.sdmx.data+csv");

    private final String code;
    private final String mediaType;

    FeedFormat(String code, String mediaType) {
        this.code = code;
        this.mediaType = mediaType;
    }

    public String code() {
        return code;
    }

    public String mediaType() {
        return mediaType;
    }

    /** The format for a Content-Type header value (parameters ignored), or null when unsupported. */
    public static FeedFormat ofContentType(String contentType) {
        if (contentType == null) return null;
        String media = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        for (FeedFormat f : values()) {
            if (f.mediaType.equals(media)) return f;
        }
        return null;
    }
}
