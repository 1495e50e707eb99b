/* msgwire adapter for xmlrpc-c (the C library: xmlrpc_parse_call, xmlrpc_parse_response2,
 * xmlrpc_serialize_call2 / _response2 / _fault, dialect i8; made with xmlrpc-c 1.33.14, Debian
 * libxmlrpc-core-c3-dev), mapped to and from the canonical XML-RPC form (docs/forms/xmlrpc.md).
 * Profile: strict only (others are skipped).
 *
 * An input with a <methodCall> start tag is parsed as a call, any other as a response.
 * What the API cannot express, the adapter reports as xmlrpc-c itself writes it: an int is
 * XMLRPC_TYPE_INT for both <int> and <i4> (reported `i4`, the element the serializer writes),
 * an untyped <value> is a string (`string`), a struct member given twice keeps one value; a
 * dateTime and base64 are reported as the text xmlrpc_serialize_value2 writes for the value
 * (so the library's own formatting and line breaks, not the input's). A rejected input carries
 * xmlrpc-c's fault code in the error kind (`xmlrpc-c fault -503`), not as `code`: xmlrpc-c
 * uses its own codes, not the optional fault-code interoperability spec.
 * Usage: xmlrpc_c_adapter decode|encode xmlrpc, or serve (conformance/README.md).
 * Built by scripts/compliance.sh: cc -O1 xmlrpc_c_adapter.c $(xmlrpc-c-config --libs) -ljansson. */
#include <xmlrpc-c/base.h>

#include "contract.h"

static json_t *tag(const char *t, json_t *v) {
    json_t *o = json_object();
    json_object_set_new(o, t, v);
    return o;
}

static json_t *text_json(const char *p, size_t n) {
    if (n == 0) return json_string("");
    json_t *s = json_stringn(p, n);
    return s ? s : json_string("\xef\xbf\xbd"); /* not UTF-8: U+FFFD */
}

/* The text xmlrpc-c writes inside <value><T>...</T></value> for this value. */
static json_t *serialized_text(xmlrpc_env *env, xmlrpc_value *v, const char *t) {
    xmlrpc_mem_block *mb = xmlrpc_mem_block_new(env, 0);
    xmlrpc_serialize_value2(env, mb, v, xmlrpc_dialect_i8);
    const char *s = xmlrpc_mem_block_contents(mb);
    size_t n = xmlrpc_mem_block_size(mb);
    char open[64];
    snprintf(open, sizeof open, "<%s>", t);
    const char *b = memmem(s, n, open, strlen(open));
    json_t *r = json_string("");
    if (b) {
        b += strlen(open);
        const char *e = memmem(b, n - (size_t)(b - s), "</", 2);
        if (e) { json_decref(r); r = text_json(b, (size_t)(e - b)); }
    }
    xmlrpc_mem_block_free(mb);
    return r;
}

static json_t *canon(xmlrpc_env *env, xmlrpc_value *v) {
    switch (xmlrpc_value_type(v)) {
    case XMLRPC_TYPE_INT: { int i; xmlrpc_read_int(env, v, &i); return tag("i4", json_integer(i)); }
    case XMLRPC_TYPE_I8: { xmlrpc_int64 i; xmlrpc_read_i8(env, v, &i); return tag("i8", json_integer(i)); }
    case XMLRPC_TYPE_BOOL: { xmlrpc_bool b; xmlrpc_read_bool(env, v, &b); return tag("boolean", json_boolean(b)); }
    case XMLRPC_TYPE_DOUBLE: {
        double d;
        xmlrpc_read_double(env, v, &d);
        if (d != d) return tag("double", json_string("nan"));
        if (d > 1.7976931348623157e308 || d < -1.7976931348623157e308) return tag("double", json_string(d > 0 ? "inf" : "-inf"));
        return tag("double", json_real(d));
    }
    case XMLRPC_TYPE_STRING: {
        size_t n;
        const char *s;
        xmlrpc_read_string_lp(env, v, &n, &s);
        json_t *r = tag("string", text_json(s, n));
        free((void *)s);
        return r;
    }
    case XMLRPC_TYPE_DATETIME: return tag("dateTime.iso8601", serialized_text(env, v, "dateTime.iso8601"));
    case XMLRPC_TYPE_BASE64: return tag("base64", serialized_text(env, v, "base64"));
    case XMLRPC_TYPE_ARRAY: {
        json_t *a = json_array();
        int n = xmlrpc_array_size(env, v);
        for (int i = 0; i < n; i++) {
            xmlrpc_value *x;
            xmlrpc_array_read_item(env, v, (unsigned)i, &x);
            json_array_append_new(a, canon(env, x));
            xmlrpc_DECREF(x);
        }
        return tag("array", a);
    }
    case XMLRPC_TYPE_STRUCT: {
        json_t *a = json_array();
        int n = xmlrpc_struct_size(env, v);
        for (int i = 0; i < n; i++) {
            xmlrpc_value *k, *x;
            xmlrpc_struct_read_member(env, v, (unsigned)i, &k, &x);
            size_t kn;
            const char *ks;
            xmlrpc_read_string_lp(env, k, &kn, &ks);
            json_array_append_new(a, json_pack("[oo]", text_json(ks, kn), canon(env, x)));
            free((void *)ks);
            xmlrpc_DECREF(k);
            xmlrpc_DECREF(x);
        }
        return tag("struct", a);
    }
    case XMLRPC_TYPE_NIL: return tag("nil", json_null());
    default: return tag("string", json_string("(unexpected xmlrpc-c value type)"));
    }
}

static int rejected_env(xmlrpc_env *env, json_t **error) {
    char kind[64];
    snprintf(kind, sizeof kind, "xmlrpc-c fault %d", env->fault_code);
    *error = contract_error(kind, 0, 0, env->fault_string ? env->fault_string : "");
    return ADAPTER_REJECTED;
}

int adapter_decode(const char *protocol, const char *profile, const unsigned char *in, size_t len,
                   json_t *docs, json_t **error) {
    if (strcmp(protocol, "xmlrpc")) { *error = contract_error(NULL, 0, 0, "xmlrpc-c speaks XML-RPC only"); return ADAPTER_UNSUPPORTED; }
    if (strcmp(profile, "strict")) { *error = contract_error(NULL, 0, 0, "xmlrpc-c is run under the strict profile only"); return ADAPTER_UNSUPPORTED; }
    xmlrpc_env env;
    xmlrpc_env_init(&env);
    int rc = ADAPTER_OK;
    if (memmem(in, len, "<methodCall", 11)) {
        const char *name = NULL;
        xmlrpc_value *params = NULL;
        xmlrpc_parse_call(&env, (const char *)in, len, &name, &params);
        if (env.fault_occurred) rc = rejected_env(&env, error);
        else {
            json_t *p = canon(&env, params);
            json_array_append_new(docs, json_pack("{s:s, s:s, s:o}", "kind", "call", "method", name, "params", json_incref(json_object_get(p, "array"))));
            json_decref(p);
            free((void *)name);
            xmlrpc_DECREF(params);
        }
    } else {
        xmlrpc_value *result = NULL;
        int code = 0;
        const char *fs = NULL;
        xmlrpc_parse_response2(&env, (const char *)in, len, &result, &code, &fs);
        if (env.fault_occurred) rc = rejected_env(&env, error);
        else if (fs) {
            json_t *f = json_pack("{s[[s{si}][s{so}]]}", "struct", "faultCode", "int", code, "faultString", "string", text_json(fs, strlen(fs)));
            json_array_append_new(docs, json_pack("{ssso}", "kind", "fault", "fault", f));
            free((void *)fs);
        } else {
            json_array_append_new(docs, json_pack("{ss s[o]}", "kind", "response", "params", canon(&env, result)));
            xmlrpc_DECREF(result);
        }
    }
    xmlrpc_env_clean(&env);
    return rc;
}

/* ---- encode */

static xmlrpc_value *parsed(xmlrpc_env *env, const char *t, const char *text) {
    /* dateTime and base64 values are built by xmlrpc-c's own value parser. */
    size_t n = strlen(text) * 6 + 2 * strlen(t) + 32;
    char *xml = malloc(n);
    snprintf(xml, n, "<value><%s>%s</%s></value>", t, text, t);
    xmlrpc_value *v = NULL;
    xmlrpc_parse_value_xml(env, xml, strlen(xml), &v);
    free(xml);
    return v;
}

static xmlrpc_value *value(xmlrpc_env *env, json_t *doc) {
    if (json_is_string(doc)) return xmlrpc_string_new_lp(env, json_string_length(doc), json_string_value(doc));
    const char *t = NULL;
    json_t *v = NULL;
    json_object_foreach(doc, t, v) break;
    if (!t || !v) { xmlrpc_faultf(env, "a value is a one-key object"); return NULL; }
    if (!strcmp(t, "int") || !strcmp(t, "i4")) return xmlrpc_int_new(env, (int)json_integer_value(v));
    if (!strcmp(t, "i8")) return xmlrpc_i8_new(env, json_integer_value(v));
    if (!strcmp(t, "boolean")) return xmlrpc_bool_new(env, json_is_true(v));
    if (!strcmp(t, "double")) {
        if (json_is_string(v)) { xmlrpc_faultf(env, "xmlrpc-c writes finite doubles only"); return NULL; }
        return xmlrpc_double_new(env, json_number_value(v));
    }
    if (!strcmp(t, "string")) return xmlrpc_string_new_lp(env, json_string_length(v), json_string_value(v));
    if (!strcmp(t, "nil")) return xmlrpc_nil_new(env);
    if (!strcmp(t, "dateTime.iso8601") || !strcmp(t, "base64")) return parsed(env, t, json_string_value(v) ? json_string_value(v) : "");
    if (!strcmp(t, "array")) {
        xmlrpc_value *a = xmlrpc_array_new(env);
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x) {
            xmlrpc_value *e = value(env, x);
            if (!e) { xmlrpc_DECREF(a); return NULL; }
            xmlrpc_array_append_item(env, a, e);
            xmlrpc_DECREF(e);
        }
        return a;
    }
    if (!strcmp(t, "struct")) {
        xmlrpc_value *s = xmlrpc_struct_new(env);
        size_t i;
        json_t *m;
        json_array_foreach(v, i, m) {
            const char *k = json_string_value(json_array_get(m, 0));
            xmlrpc_value *e = value(env, json_array_get(m, 1));
            if (!e || !k) { xmlrpc_DECREF(s); return NULL; }
            xmlrpc_struct_set_value_n(env, s, k, json_string_length(json_array_get(m, 0)), e);
            xmlrpc_DECREF(e);
        }
        return s;
    }
    xmlrpc_faultf(env, "xmlrpc-c (dialect i8) has no type %s", t);
    return NULL;
}

int adapter_encode(const char *protocol, const char *profile, json_t *docs, struct out *out, json_t **error) {
    (void)profile;
    if (strcmp(protocol, "xmlrpc")) { *error = contract_error(NULL, 0, 0, "xmlrpc-c speaks XML-RPC only"); return ADAPTER_UNSUPPORTED; }
    xmlrpc_env env;
    xmlrpc_env_init(&env);
    size_t i;
    json_t *d;
    json_array_foreach(docs, i, d) {
        const char *k = json_string_value(json_object_get(d, "kind"));
        xmlrpc_mem_block *mb = xmlrpc_mem_block_new(&env, 0);
        if (k && !strcmp(k, "call")) {
            json_t *wrap = json_pack("{sO}", "array", json_object_get(d, "params"));
            xmlrpc_value *p = value(&env, wrap);
            json_decref(wrap);
            if (p) { xmlrpc_serialize_call2(&env, mb, json_string_value(json_object_get(d, "method")), p, xmlrpc_dialect_i8); xmlrpc_DECREF(p); }
        } else if (k && !strcmp(k, "response")) {
            json_t *ps = json_object_get(d, "params");
            if (json_array_size(ps) != 1) xmlrpc_faultf(&env, "xmlrpc-c writes a response of exactly one value");
            else {
                xmlrpc_value *v = value(&env, json_array_get(ps, 0));
                if (v) { xmlrpc_serialize_response2(&env, mb, v, xmlrpc_dialect_i8); xmlrpc_DECREF(v); }
            }
        } else if (k && !strcmp(k, "fault")) {
            json_int_t code = 0;
            const char *fs = "";
            size_t j;
            json_t *m;
            json_array_foreach(json_object_get(json_object_get(d, "fault"), "struct"), j, m) {
                const char *name = json_string_value(json_array_get(m, 0));
                json_t *val = json_array_get(m, 1), *x = NULL;
                const char *t = NULL;
                if (json_is_object(val)) json_object_foreach(val, t, x) break;
                if (name && !strcmp(name, "faultCode") && x) code = json_integer_value(x);
                if (name && !strcmp(name, "faultString")) fs = json_is_string(val) ? json_string_value(val) : (x ? json_string_value(x) : "");
            }
            xmlrpc_env f;
            xmlrpc_env_init(&f);
            xmlrpc_env_set_fault(&f, (int)code, fs ? fs : "");
            xmlrpc_serialize_fault(&env, mb, &f);
            xmlrpc_env_clean(&f);
        } else {
            xmlrpc_faultf(&env, "unknown kind");
        }
        if (env.fault_occurred) {
            xmlrpc_mem_block_free(mb);
            int rc = rejected_env(&env, error);
            xmlrpc_env_clean(&env);
            return rc;
        }
        if (i) out_put(out, "\n", 1);
        out_put(out, xmlrpc_mem_block_contents(mb), xmlrpc_mem_block_size(mb));
        xmlrpc_mem_block_free(mb);
    }
    xmlrpc_env_clean(&env);
    return ADAPTER_OK;
}

int main(int argc, char **argv) { return contract_main(argc, argv); }
