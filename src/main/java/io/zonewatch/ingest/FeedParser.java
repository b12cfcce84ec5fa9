package io.zonewatch.ingest;

import io.zonewatch.errors.RowErrors;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import de.siegmar.fastcsv.reader.CsvParseException;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import io.zonewatch.errors.RowError;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Reads a feed body into {@link RawRow}s: decodes the declared charset strictly (BOM tolerated),
 * maps the header to logical columns and reports rows it cannot split. Pure and blocking: run it on
 * a worker thread.
 */
final class FeedParser {
    /** Bound on one CSV field: a 10-MB "line" is garbage, not a statistic. */
    private static final int MAX_FIELD_CHARS = 64 * 1024;
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
            .build();

    static {
        JSON.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNumberLength(2000).build());
    }

    private FeedParser() {
    }

    /**
     * Reads the feed row by row, handing each readable row to {@code sink} and recording rows that
     * cannot be split in {@code errors}. Nothing but the current row is held: a million-row feed
     * costs the memory of its bytes, not of a million row objects. Returns the number of data rows.
     */
    static int parse(FeedFormat format, byte[] body, Charset charset, Consumer<RawRow> sink, RowErrors errors) {
        int skip = checkEncoding(body, charset);
        return switch (format) {
            case CSV -> csv(reader(body, skip, charset), false, sink, errors);
            case SDMX_CSV -> csv(reader(body, skip, charset), true, sink, errors);
            case JSON -> json(reader(body, skip, charset), sink, errors);
        };
    }

    private static Reader reader(byte[] body, int skip, Charset charset) {
        // The bytes were checked by checkEncoding; decoding again here streams instead of building a String.
        return new InputStreamReader(new ByteArrayInputStream(body, skip, body.length - skip), charset);
    }

    // ---- decoding ----

    /**
     * Checks that the body is text in the declared charset, in chunks, keeping nothing; reports the
     * line of the first bad byte. Returns the length of a byte-order mark to skip.
     */
    static int checkEncoding(byte[] body, Charset charset) {
        int skip = 0;
        if (body.length >= 3 && (body[0] & 0xFF) == 0xEF && (body[1] & 0xFF) == 0xBB && (body[2] & 0xFF) == 0xBF) {
            skip = 3;
        } else if (charset.name().equals("GB18030") && body.length >= 4 && (body[0] & 0xFF) == 0x84
                && (body[1] & 0xFF) == 0x31 && (body[2] & 0xFF) == 0x95 && (body[3] & 0xFF) == 0x33) {
            skip = 4;
        }
        for (int i = skip; i < body.length; i++) {
            if (body[i] == 0) {
                throw new FeedRejection(lineAt(body, i), null, "bad_encoding",
                        "文件包含 NUL 字节，不是文本文件", "the body contains NUL bytes: it is not a text file");
            }
        }
        CharsetDecoder decoder = charset.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(body, skip, body.length - skip);
        CharBuffer out = CharBuffer.allocate(64 * 1024);
        while (true) {
            CoderResult result = decoder.decode(in, out, true);
            if (result.isError()) {
                long line = lineAt(body, in.position());
                String hint = charset.equals(StandardCharsets.UTF_8)
                        ? "; if the file is GBK/GB18030, send Content-Type: text/csv; charset=gb18030"
                        : "";
                throw new FeedRejection(line, null, "bad_encoding",
                        "第 " + line + " 行不是有效的 " + charset.name() + " 编码"
                                + (hint.isEmpty() ? "" : "；如为 GBK/GB18030 文件，请声明 charset=gb18030"),
                        "line " + line + " is not valid " + charset.name() + hint);
            }
            out.clear();
            if (result.isUnderflow()) break;
        }
        out.clear();
        if (decoder.flush(out).isError()) {
            throw new FeedRejection(lineAt(body, body.length), null, "bad_encoding", "文件结尾的编码不完整", "the file ends in an incomplete character");
        }
        return skip;
    }

    private static long lineAt(byte[] body, int position) {
        long line = 1;
        for (int i = 0; i < position && i < body.length; i++) if (body[i] == '\n') line++;
        return line;
    }

    // ---- CSV and SDMX-CSV ----

    private static final Map<String, String> CSV_COLUMNS = Map.of(
            "platform_code", "platform", "platform", "platform",
            "indicator_code", "indicator", "indicator", "indicator",
            "period", "period", "value", "value", "unit", "unit", "status", "status", "note", "note");
    /** Informational columns a bureau export often carries; read past, never stored. */
    private static final Set<String> CSV_IGNORED = Set.of("platform_name", "indicator_name", "name", "unit_name");

    private static final Map<String, String> SDMX_COLUMNS = Map.of(
            "PLATFORM", "platform", "INDICATOR", "indicator", "TIME_PERIOD", "period", "OBS_VALUE", "value",
            "UNIT_MEASURE", "unit", "UNIT_MULT", "unitMultiplier", "OBS_STATUS", "status", "OBS_COMMENT", "note",
            "ACTION", "action");
    private static final Set<String> SDMX_STRUCTURE = Set.of("DATAFLOW", "STRUCTURE", "STRUCTURE_ID");

    private static int csv(Reader text, boolean sdmx, Consumer<RawRow> sink, RowErrors errors) {
        int rows = 0;
        CsvReader<CsvRecord> reader = CsvReader.builder()
                .skipEmptyLines(true)
                .allowExtraFields(true)
                .allowMissingFields(true)
                .maxBufferSize(MAX_FIELD_CHARS * 4)
                .ofCsvRecord(text);
        Iterator<CsvRecord> it = reader.iterator();
        try {
            if (!it.hasNext()) throw new FeedRejection(1, null, "empty_feed", "文件为空", "the feed is empty");
            CsvRecord headerRecord = it.next();
            Map<String, Integer> index = sdmx ? sdmxHeader(headerRecord) : csvHeader(headerRecord);
            int width = headerRecord.getFieldCount();
            RawRow.Columns columns = sdmx ? RawRow.Columns.SDMX : RawRow.Columns.CSV;
            while (it.hasNext()) {
                CsvRecord r = it.next();
                long line = r.getStartingLineNumber();
                rows++;
                if (r.getFieldCount() != width) {
                    errors.add(new RowError(line, null, "bad_field_count",
                            "该行有 " + r.getFieldCount() + " 列，表头有 " + width + " 列（分隔符应为英文逗号，含逗号的值需加引号）",
                            "the row has " + r.getFieldCount() + " fields but the header has " + width
                                    + " (fields are separated by ',', quote values that contain commas)"));
                    continue;
                }
                if (hasLineBreak(r)) {
                    // A statistic never spans lines: this is an unclosed quote swallowing the rows after it.
                    errors.add(new RowError(line, null, "unbalanced_quote",
                            "该行的引号未闭合，其后的行被并入了该行（字段中不能有换行）",
                            "a quote in this row is not closed: the lines after it were swallowed (fields cannot contain line breaks)"));
                    continue;
                }
                if (tooLong(r)) {
                    errors.add(new RowError(line, null, "field_too_long", "该行有超过 " + MAX_FIELD_CHARS + " 字符的字段",
                            "the row has a field longer than " + MAX_FIELD_CHARS + " characters"));
                    continue;
                }
                sink.accept(new RawRow(line,
                        code(field(r, index, "platform"), sdmx), code(field(r, index, "indicator"), sdmx),
                        field(r, index, "period"), field(r, index, "value"), field(r, index, "unit"),
                        field(r, index, "unitMultiplier"), field(r, index, "status"), field(r, index, "note"),
                        field(r, index, "action"), columns));
            }
            if (rows == 0) throw new FeedRejection(1, null, "empty_feed", "文件只有表头，没有数据行", "the feed has a header but no data rows");
        } catch (CsvParseException e) {
            // The library's own message names its internals; the client gets the cause in plain words.
            throw new FeedRejection(1, null, "bad_csv", "CSV 格式错误（引号不配对或某行超过 " + (MAX_FIELD_CHARS * 4) + " 字符）",
                    "malformed CSV: unbalanced quotes or a line longer than " + (MAX_FIELD_CHARS * 4) + " characters");
        }
        return rows;
    }

    private static boolean hasLineBreak(CsvRecord r) {
        for (String f : r.getFields()) if (f.indexOf('\n') >= 0 || f.indexOf('\r') >= 0) return true;
        return false;
    }

    private static boolean tooLong(CsvRecord r) {
        for (String f : r.getFields()) if (f.length() > MAX_FIELD_CHARS) return true;
        return false;
    }

    private static String field(CsvRecord r, Map<String, Integer> index, String logical) {
        Integer i = index.get(logical);
        if (i == null) return null;
        String v = r.getField(i).trim();
        return v.isEmpty() ? null : v;
    }

    /** SDMX-CSV with labels writes "CODE: label"; the code is what counts. */
    private static String code(String v, boolean sdmx) {
        if (!sdmx || v == null) return v;
        int colon = v.indexOf(':');
        return colon > 0 ? v.substring(0, colon).trim() : v;
    }

    private static Map<String, Integer> csvHeader(CsvRecord header) {
        List<String> names = header.getFields().stream().map(h -> h.trim().toLowerCase(Locale.ROOT)).toList();
        rejectOtherDelimiter(names);
        Map<String, Integer> index = new HashMap<>();
        List<String> unknown = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            String logical = CSV_COLUMNS.get(names.get(i));
            if (logical == null) {
                if (!CSV_IGNORED.contains(names.get(i)) && !names.get(i).startsWith("x_")) unknown.add(header.getField(i).trim());
                continue;
            }
            if (index.putIfAbsent(logical, i) != null) {
                String name = RowValidator.clip(names.get(i));
                throw new FeedRejection(1, name, "duplicate_column", "列 '" + name + "' 重复", "column '" + name + "' appears twice");
            }
        }
        for (String[] required : new String[][]{{"platform", "platform_code"}, {"indicator", "indicator_code"},
                {"period", "period"}, {"value", "value"}}) {
            if (!index.containsKey(required[0])) {
                throw new FeedRejection(1, required[1], "missing_column",
                        "缺少必需的列 " + required[1] + (unknown.isEmpty() ? "" : "（未识别的列：" + shown(unknown) + "）"),
                        "required column " + required[1] + " is missing" + (unknown.isEmpty() ? "" : " (unrecognised: " + shown(unknown) + ")")
                                + "; columns are platform_code, indicator_code, period, value, unit, status, note");
            }
        }
        if (!unknown.isEmpty()) {
            throw new FeedRejection(1, RowValidator.clip(unknown.get(0)), "unknown_column", "未识别的列：" + shown(unknown),
                    "unrecognised columns: " + shown(unknown) + "; allowed are platform_code, indicator_code, period, value, unit, status, note");
        }
        return index;
    }

    private static Map<String, Integer> sdmxHeader(CsvRecord header) {
        List<String> names = header.getFields().stream()
                .map(h -> {
                    int colon = h.indexOf(':');
                    return (colon > 0 ? h.substring(0, colon) : h).trim().toUpperCase(Locale.ROOT);
                }).toList();
        rejectOtherDelimiter(names);
        Map<String, Integer> index = new HashMap<>();
        boolean structure = false;
        for (int i = 0; i < names.size(); i++) {
            if (SDMX_STRUCTURE.contains(names.get(i))) structure = true;
            String logical = SDMX_COLUMNS.get(names.get(i));
            // Other SDMX attributes (DECIMALS, OBS_CONF, ...) are legitimate and read past.
            if (logical != null && index.putIfAbsent(logical, i) != null) {
                String name = RowValidator.clip(names.get(i));
                throw new FeedRejection(1, name, "duplicate_column", "列 '" + name + "' 重复", "column '" + name + "' appears twice");
            }
        }
        if (!structure) {
            throw new FeedRejection(1, "DATAFLOW", "missing_column", "SDMX-CSV 缺少 DATAFLOW（或 STRUCTURE）列",
                    "an SDMX-CSV file starts with a DATAFLOW (or STRUCTURE, STRUCTURE_ID) column");
        }
        for (String required : List.of("PLATFORM", "INDICATOR", "TIME_PERIOD", "OBS_VALUE")) {
            if (!index.containsKey(SDMX_COLUMNS.get(required))) {
                throw new FeedRejection(1, required, "missing_column", "缺少必需的列 " + required,
                        "required column " + required + " is missing; SDMX-CSV needs PLATFORM, INDICATOR, TIME_PERIOD, OBS_VALUE");
            }
        }
        return index;
    }

    /** Names echoed in a message: each clipped, at most ten (a 20,000-column header is not sent back whole). */
    private static String shown(List<String> names) {
        List<String> head = names.stream().limit(10).map(RowValidator::clip).toList();
        return head + (names.size() > head.size() ? " +" + (names.size() - head.size()) : "");
    }

    private static void rejectOtherDelimiter(List<String> names) {
        if (names.size() == 1) {
            String only = names.get(0);
            for (String sep : List.of(";", "\t", "|")) {
                if (only.contains(sep)) {
                    String shown = sep.equals("\t") ? "tab" : sep;
                    throw new FeedRejection(1, null, "wrong_delimiter", "分隔符应为英文逗号，文件似乎使用了 '" + shown + "'",
                            "fields must be separated by ',', this file seems to use '" + shown + "'");
                }
            }
        }
    }

    // ---- JSON ----

    private static final Map<String, String> JSON_FIELDS = Map.of(
            "platform", "platform", "platform_code", "platform", "indicator", "indicator", "indicator_code", "indicator",
            "period", "period", "value", "value", "unit", "unit", "status", "status", "note", "note");

    /**
     * Streams {"observations": [...]}: one array element at a time becomes a tree and a row, so a
     * 60-MB JSON feed never exists as one tree. Other top-level fields are read past.
     */
    private static int json(Reader text, Consumer<RawRow> sink, RowErrors errors) {
        try (JsonParser p = JSON.getFactory().createParser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) throw notAnObservationsObject();
            boolean found = false;
            int count = 0;
            java.util.Set<String> names = new java.util.HashSet<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                if (!names.add(name)) {
                    throw new FeedRejection(1, RowValidator.clip(name), "duplicate_field", "JSON 中字段 '" + RowValidator.clip(name) + "' 出现了两次",
                            "the JSON names the field '" + RowValidator.clip(name) + "' twice");
                }
                JsonToken value = p.nextToken();
                if ("observations".equals(name) && value == JsonToken.START_ARRAY) {
                    found = true;
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        count++;
                        jsonRow(count, p, sink, errors);
                    }
                } else {
                    p.skipChildren();
                }
            }
            if (p.nextToken() != null) throw new JsonParseException(p, "content after the end of the JSON object");
            if (!found) throw notAnObservationsObject();
            if (count == 0) throw new FeedRejection(1, "observations", "empty_feed", "observations 为空", "observations is empty");
            return count;
        } catch (JsonProcessingException e) {
            long line = e.getLocation() == null ? 1 : Math.max(1, e.getLocation().getLineNr());
            throw new FeedRejection(line, null, "malformed_json", "第 " + line + " 行 JSON 语法错误",
                    "malformed JSON at line " + line + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new FeedRejection(1, null, "malformed_json", "无法读取 JSON", "unreadable JSON");
        }
    }

    private static FeedRejection notAnObservationsObject() {
        return new FeedRejection(1, "observations", "missing_column", "JSON 必须是 {\"observations\": [...]}",
                "the JSON body must be {\"observations\": [...]}");
    }

    /**
     * One element of "observations", read token by token (the parser is on its first token). Scalars
     * are kept as the text the sender wrote: a number is parsed later by the same rule as a CSV cell,
     * so "1e2147483648" is a row error (out_of_range), not a failure of the JSON reader. A field named
     * twice in one observation is a row error (duplicate_field), not silently the last one.
     */
    private static void jsonRow(long position, JsonParser p, Consumer<RawRow> sink, RowErrors errors) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            p.skipChildren();
            errors.add(new RowError(position, null, "bad_row", "observations 的元素必须是对象", "each observation must be an object"));
            return;
        }
        Map<String, String> fields = new HashMap<>();
        List<String> unknown = new ArrayList<>();
        String duplicate = null;
        java.util.Set<String> seen = new java.util.HashSet<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken token = p.nextToken();
            String text = switch (token) {
                case VALUE_NULL -> null;
                case VALUE_STRING -> p.getText().trim();
                case START_OBJECT, START_ARRAY -> {
                    p.skipChildren();
                    yield token == JsonToken.START_OBJECT ? "{...}" : "[...]";
                }
                default -> p.getText();   // numbers as written, true/false
            };
            if (!seen.add(key)) {
                if (duplicate == null) duplicate = key;
                continue;
            }
            String logical = JSON_FIELDS.get(key);
            if (logical == null) unknown.add(key);
            else if (fields.containsKey(logical)) unknown.add(key + " (twice)");
            else fields.put(logical, text == null || text.isEmpty() ? null : text);
        }
        if (duplicate != null) {
            errors.add(new RowError(position, RowValidator.clip(duplicate), "duplicate_field", "字段 '" + RowValidator.clip(duplicate) + "' 出现了两次",
                    "the field '" + RowValidator.clip(duplicate) + "' appears twice in the observation"));
            return;
        }
        if (!unknown.isEmpty()) {
            errors.add(new RowError(position, RowValidator.clip(unknown.get(0)), "unknown_field", "未识别的字段：" + shown(unknown),
                    "unrecognised fields: " + shown(unknown) + "; allowed are platform, indicator, period, value, unit, status, note"));
            return;
        }
        sink.accept(new RawRow(position, fields.get("platform"), fields.get("indicator"), fields.get("period"), fields.get("value"),
                fields.get("unit"), null, fields.get("status"), fields.get("note"), null, RawRow.Columns.JSON));
    }

}
