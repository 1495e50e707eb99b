/* msgwire adapter for msgpack-c (the C library: msgpack_unpack_next / msgpack_pack_*; made with
 * msgpack-c 4.0.0, Debian libmsgpack-dev), mapped to and from the canonical MessagePack(-RPC)
 * form (docs/forms/msgpack-rpc.md).
 *
 * Profiles: `value` (bare values) and `strict` (each value read as a MessagePack-RPC message;
 * msgpack-c has no RPC layer: the message shape is checked here). Other profiles: skipped.
 * msgpack_object keeps every wire type of the form (float32 vs float64, str vs bin, map order
 * and duplicates, ext type and bytes). What its API cannot express: it has no UTF-8 check (a str
 * that is not UTF-8 is reported in the form's lenient spelling {"string": {"hex": ...}}); a
 * timestamp is an ext -1 read with msgpack_object_to_timestamp (which also accepts what it
 * cannot parse as plain ext); the packer writes a timestamp with msgpack_pack_timestamp.
 * Usage: msgpack_c_adapter decode|encode msgpack-rpc, or serve (conformance/README.md).
 * Built by scripts/compliance.sh: cc -O1 msgpack_c_adapter.c -lmsgpackc -ljansson. */
#include <math.h>
#include <msgpack.h>
#include <stdint.h>

#include "contract.h"

#define SAFE_INT ((uint64_t)1 << 53) - 1

static json_t *tag(const char *t, json_t *v) {
    json_t *o = json_object();
    json_object_set_new(o, t, v);
    return o;
}

static json_t *float_doc(const char *t, double v) {
    if (isnan(v)) return tag(t, json_string("NaN"));
    if (isinf(v)) return tag(t, json_string(v > 0 ? "Infinity" : "-Infinity"));
    return tag(t, json_real(v));
}

static json_t *str_doc(const char *p, size_t n) {
    if (n == 0) return json_string("");
    json_t *s = json_stringn(p, n); /* NULL when not UTF-8 */
    if (s) return s;
    char *h = tohex((const unsigned char *)p, n);
    json_t *o = tag("hex", json_string(h));
    free(h);
    return o;
}

static json_t *canon(const msgpack_object *o) {
    char buf[32];
    switch (o->type) {
    case MSGPACK_OBJECT_NIL: return tag("nil", json_null());
    case MSGPACK_OBJECT_BOOLEAN: return tag("bool", json_boolean(o->via.boolean));
    case MSGPACK_OBJECT_POSITIVE_INTEGER:
        if (o->via.u64 <= SAFE_INT) return tag("number", json_integer((json_int_t)o->via.u64));
        snprintf(buf, sizeof buf, "%llu", (unsigned long long)o->via.u64);
        return tag("bignum", json_string(buf));
    case MSGPACK_OBJECT_NEGATIVE_INTEGER:
        if (o->via.i64 >= -(int64_t)(SAFE_INT)) return tag("number", json_integer(o->via.i64));
        snprintf(buf, sizeof buf, "%lld", (long long)o->via.i64);
        return tag("bignum", json_string(buf));
    case MSGPACK_OBJECT_FLOAT32: return float_doc("float32", o->via.f64);
    case MSGPACK_OBJECT_FLOAT64: return float_doc("float64", o->via.f64);
    case MSGPACK_OBJECT_STR: return tag("string", str_doc(o->via.str.ptr, o->via.str.size));
    case MSGPACK_OBJECT_BIN: {
        char *h = tohex((const unsigned char *)o->via.bin.ptr, o->via.bin.size);
        json_t *d = tag("binary", json_string(h));
        free(h);
        return d;
    }
    case MSGPACK_OBJECT_ARRAY: {
        json_t *a = json_array();
        for (uint32_t i = 0; i < o->via.array.size; i++) json_array_append_new(a, canon(&o->via.array.ptr[i]));
        return tag("array", a);
    }
    case MSGPACK_OBJECT_MAP: {
        json_t *a = json_array();
        for (uint32_t i = 0; i < o->via.map.size; i++)
            json_array_append_new(a, json_pack("[oo]", canon(&o->via.map.ptr[i].key), canon(&o->via.map.ptr[i].val)));
        return tag("map", a);
    }
    case MSGPACK_OBJECT_EXT: {
        msgpack_timestamp ts;
        if (o->via.ext.type == -1 && msgpack_object_to_timestamp(o, &ts))
            return tag("timestamp", json_pack("[II]", (json_int_t)ts.tv_sec, (json_int_t)ts.tv_nsec));
        char *h = tohex((const unsigned char *)o->via.ext.ptr, o->via.ext.size);
        json_t *d = tag("ext", json_pack("[is]", (int)o->via.ext.type, h));
        free(h);
        return d;
    }
    }
    return tag("nil", json_null());
}

static int is_uint32(const msgpack_object *o) {
    return o->type == MSGPACK_OBJECT_POSITIVE_INTEGER && o->via.u64 <= 0xffffffffu;
}

static json_t *method_doc(const msgpack_object *o) {
    if (o->type == MSGPACK_OBJECT_STR) return str_doc(o->via.str.ptr, o->via.str.size);
    if (o->type == MSGPACK_OBJECT_BIN) {
        char *h = tohex((const unsigned char *)o->via.bin.ptr, o->via.bin.size);
        json_t *d = tag("binary", json_string(h));
        free(h);
        return d;
    }
    return NULL;
}

static json_t *params_doc(const msgpack_object *o) {
    json_t *a = json_array();
    for (uint32_t i = 0; i < o->via.array.size; i++) json_array_append_new(a, canon(&o->via.array.ptr[i]));
    return a;
}

/* A MessagePack-RPC message document, or NULL when the value is not one. */
static json_t *message(const msgpack_object *o) {
    if (o->type != MSGPACK_OBJECT_ARRAY || o->via.array.size == 0) return NULL;
    const msgpack_object *a = o->via.array.ptr;
    uint32_t n = o->via.array.size;
    if (a[0].type != MSGPACK_OBJECT_POSITIVE_INTEGER) return NULL;
    json_t *m;
    switch (a[0].via.u64) {
    case 0:
        if (n != 4 || !is_uint32(&a[1]) || a[3].type != MSGPACK_OBJECT_ARRAY || !(m = method_doc(&a[2]))) return NULL;
        return json_pack("{sssIsoso}", "kind", "request", "msgid", (json_int_t)a[1].via.u64, "method", m, "params", params_doc(&a[3]));
    case 1:
        if (n != 4 || !is_uint32(&a[1])) return NULL;
        return json_pack("{sssIsoso}", "kind", "response", "msgid", (json_int_t)a[1].via.u64, "error", canon(&a[2]), "result", canon(&a[3]));
    case 2:
        if (n != 3 || a[2].type != MSGPACK_OBJECT_ARRAY || !(m = method_doc(&a[1]))) return NULL;
        return json_pack("{sssoso}", "kind", "notification", "method", m, "params", params_doc(&a[2]));
    }
    return NULL;
}

int adapter_decode(const char *protocol, const char *profile, const unsigned char *in, size_t len,
                   json_t *docs, json_t **error) {
    if (strcmp(protocol, "msgpack-rpc")) { *error = contract_error(NULL, 0, 0, "msgpack-c speaks MessagePack only"); return ADAPTER_UNSUPPORTED; }
    int values = !strcmp(profile, "value");
    if (!values && strcmp(profile, "strict")) { *error = contract_error(NULL, 0, 0, "profile not modelled"); return ADAPTER_UNSUPPORTED; }
    msgpack_unpacked u;
    msgpack_unpacked_init(&u);
    size_t off = 0;
    int rc = ADAPTER_OK;
    while (off < len) {
        size_t at = off;
        msgpack_unpack_return r = msgpack_unpack_next(&u, (const char *)in, len, &off);
        if (r == MSGPACK_UNPACK_CONTINUE) { *error = contract_error("truncated", 0, 0, "MSGPACK_UNPACK_CONTINUE (more bytes needed)"); rc = ADAPTER_REJECTED; break; }
        if (r == MSGPACK_UNPACK_PARSE_ERROR) { *error = contract_error("parse-error", 0, 0, "MSGPACK_UNPACK_PARSE_ERROR"); rc = ADAPTER_REJECTED; break; }
        if (r == MSGPACK_UNPACK_NOMEM_ERROR) { *error = contract_error("nomem", 0, 0, "MSGPACK_UNPACK_NOMEM_ERROR"); rc = ADAPTER_REJECTED; break; }
        if (off <= at) { *error = contract_error("no-progress", 0, 0, "msgpack_unpack_next used no bytes"); rc = ADAPTER_REJECTED; break; }
        json_t *d = values ? canon(&u.data) : message(&u.data);
        if (!d) { *error = contract_error("not-a-message", 0, 0, "not a request, response or notification"); rc = ADAPTER_REJECTED; break; }
        json_array_append_new(docs, d);
    }
    msgpack_unpacked_destroy(&u);
    return rc;
}

/* ---- encode */

static int fail(json_t **error, const char *why) {
    *error = contract_error("encode", 0, 0, why);
    return -1;
}

static double float_of(json_t *v) {
    const char *s = json_string_value(v);
    if (!s) return json_number_value(v);
    if (!strcmp(s, "NaN")) return NAN;
    return s[0] == '-' ? -INFINITY : INFINITY;
}

static int pack_bytes_hex(msgpack_packer *pk, const char *hex, int bin, json_t **error) {
    unsigned char *b;
    long n = unhex(hex ? hex : "", &b);
    if (n < 0) return fail(error, "bad hex");
    if (bin) { msgpack_pack_bin(pk, (size_t)n); msgpack_pack_bin_body(pk, b, (size_t)n); }
    else { msgpack_pack_str(pk, (size_t)n); msgpack_pack_str_body(pk, b, (size_t)n); }
    free(b);
    return 0;
}

static int pack_value(msgpack_packer *pk, json_t *doc, json_t **error) {
    const char *t = NULL;
    json_t *v = NULL;
    if (!json_is_object(doc) || json_object_size(doc) != 1) return fail(error, "a value is a one-key object");
    json_object_foreach(doc, t, v) break;
    if (!t || !v) return fail(error, "a value is a one-key object");
    if (!strcmp(t, "nil")) return msgpack_pack_nil(pk);
    if (!strcmp(t, "bool")) return json_is_true(v) ? msgpack_pack_true(pk) : msgpack_pack_false(pk);
    if (!strcmp(t, "number") || !strcmp(t, "bignum")) {
        const char *s = json_string_value(v);
        if (s) {
            if (s[0] == '-') return msgpack_pack_int64(pk, strtoll(s, NULL, 10));
            return msgpack_pack_uint64(pk, strtoull(s, NULL, 10));
        }
        json_int_t i = json_integer_value(v);
        return i < 0 ? msgpack_pack_int64(pk, i) : msgpack_pack_uint64(pk, (uint64_t)i);
    }
    if (!strcmp(t, "float32")) return msgpack_pack_float(pk, (float)float_of(v));
    if (!strcmp(t, "float64")) return msgpack_pack_double(pk, float_of(v));
    if (!strcmp(t, "string")) {
        if (json_is_object(v)) return pack_bytes_hex(pk, json_string_value(json_object_get(v, "hex")), 0, error);
        size_t n = json_string_length(v);
        msgpack_pack_str(pk, n);
        return msgpack_pack_str_body(pk, json_string_value(v), n);
    }
    if (!strcmp(t, "binary")) return pack_bytes_hex(pk, json_string_value(v), 1, error);
    if (!strcmp(t, "array")) {
        size_t i;
        json_t *x;
        msgpack_pack_array(pk, json_array_size(v));
        json_array_foreach(v, i, x) if (pack_value(pk, x, error)) return -1;
        return 0;
    }
    if (!strcmp(t, "map")) {
        size_t i;
        json_t *x;
        msgpack_pack_map(pk, json_array_size(v));
        json_array_foreach(v, i, x) {
            if (pack_value(pk, json_array_get(x, 0), error) || pack_value(pk, json_array_get(x, 1), error)) return -1;
        }
        return 0;
    }
    if (!strcmp(t, "ext")) {
        unsigned char *b;
        long n = unhex(json_string_value(json_array_get(v, 1)) ? json_string_value(json_array_get(v, 1)) : "", &b);
        if (n < 0) return fail(error, "bad ext hex");
        msgpack_pack_ext(pk, (size_t)n, (int8_t)json_integer_value(json_array_get(v, 0)));
        msgpack_pack_ext_body(pk, b, (size_t)n);
        free(b);
        return 0;
    }
    if (!strcmp(t, "timestamp")) {
        msgpack_timestamp ts = {json_integer_value(json_array_get(v, 0)), (uint32_t)json_integer_value(json_array_get(v, 1))};
        return msgpack_pack_timestamp(pk, &ts);
    }
    return fail(error, "unknown tag");
}

static int pack_method(msgpack_packer *pk, json_t *m, json_t **error) {
    if (json_is_string(m)) {
        size_t n = json_string_length(m);
        msgpack_pack_str(pk, n);
        return msgpack_pack_str_body(pk, json_string_value(m), n);
    }
    if (json_object_get(m, "binary")) return pack_bytes_hex(pk, json_string_value(json_object_get(m, "binary")), 1, error);
    if (json_object_get(m, "hex")) return pack_bytes_hex(pk, json_string_value(json_object_get(m, "hex")), 0, error);
    return fail(error, "bad method");
}

static int pack_params(msgpack_packer *pk, json_t *p, json_t **error) {
    size_t i;
    json_t *x;
    msgpack_pack_array(pk, json_array_size(p));
    json_array_foreach(p, i, x) if (pack_value(pk, x, error)) return -1;
    return 0;
}

static int sbuf_write(void *data, const char *buf, size_t len) {
    out_put(data, buf, len);
    return 0;
}

int adapter_encode(const char *protocol, const char *profile, json_t *docs, struct out *out, json_t **error) {
    (void)profile;
    if (strcmp(protocol, "msgpack-rpc")) { *error = contract_error(NULL, 0, 0, "msgpack-c speaks MessagePack only"); return ADAPTER_UNSUPPORTED; }
    msgpack_packer pk;
    msgpack_packer_init(&pk, out, sbuf_write);
    size_t i;
    json_t *d;
    json_array_foreach(docs, i, d) {
        const char *k = json_string_value(json_object_get(d, "kind"));
        int r;
        if (k && !strcmp(k, "request")) {
            msgpack_pack_array(&pk, 4);
            msgpack_pack_uint64(&pk, 0);
            msgpack_pack_uint64(&pk, (uint64_t)json_integer_value(json_object_get(d, "msgid")));
            r = pack_method(&pk, json_object_get(d, "method"), error) || pack_params(&pk, json_object_get(d, "params"), error);
        } else if (k && !strcmp(k, "response")) {
            msgpack_pack_array(&pk, 4);
            msgpack_pack_uint64(&pk, 1);
            msgpack_pack_uint64(&pk, (uint64_t)json_integer_value(json_object_get(d, "msgid")));
            r = pack_value(&pk, json_object_get(d, "error"), error) || pack_value(&pk, json_object_get(d, "result"), error);
        } else if (k && !strcmp(k, "notification")) {
            msgpack_pack_array(&pk, 3);
            msgpack_pack_uint64(&pk, 2);
            r = pack_method(&pk, json_object_get(d, "method"), error) || pack_params(&pk, json_object_get(d, "params"), error);
        } else {
            r = pack_value(&pk, d, error);
        }
        if (r) return ADAPTER_REJECTED;
    }
    return ADAPTER_OK;
}

int main(int argc, char **argv) { return contract_main(argc, argv); }
