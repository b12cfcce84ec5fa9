package io.zonewatch.ingest;

import io.vertx.core.buffer.Buffer;
import io.zonewatch.auth.Principal;

import java.nio.charset.Charset;

/** One POST /feeds request, as the service sees it. */
public record FeedSubmission(Principal submitter, FeedFormat format, Charset charset, Buffer body,
                             boolean lenient, boolean dryRun, String idempotencyKey) {

    public String mode() {
        return lenient ? "lenient" : "atomic";
    }
}
