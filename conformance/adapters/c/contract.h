/* The msgwire adapter contract (conformance/README.md) for C adapters, on jansson.
 *
 * An adapter defines
 *   int adapter_decode(const char *protocol, const char *profile, const unsigned char *in,
 *                      size_t len, json_t *docs, json_t **error);
 *   int adapter_encode(const char *protocol, const char *profile, json_t *docs,
 *                      struct out *out, json_t **error);
 * returning ADAPTER_OK, ADAPTER_REJECTED (*error: {"kind", "code", "message"}) or
 * ADAPTER_UNSUPPORTED (*error: {"message"}), and calls contract_main(argc, argv) from main.
 * contract_main handles `decode|encode <protocol>` (one-shot) and `serve` (persistent).
 * Written for msgwire; no code copied from the peers. */
#ifndef MSGWIRE_ADAPTER_CONTRACT_H
#define MSGWIRE_ADAPTER_CONTRACT_H

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { ADAPTER_OK = 0, ADAPTER_REJECTED = 1, ADAPTER_UNSUPPORTED = 3 };

struct out {
    unsigned char *data;
    size_t len, cap;
};

static void out_put(struct out *o, const void *p, size_t n) {
    if (o->len + n > o->cap) {
        o->cap = (o->len + n) * 2 + 64;
        o->data = realloc(o->data, o->cap);
        if (!o->data) abort();
    }
    memcpy(o->data + o->len, p, n);
    o->len += n;
}

int adapter_decode(const char *protocol, const char *profile, const unsigned char *in, size_t len,
                   json_t *docs, json_t **error);
int adapter_encode(const char *protocol, const char *profile, json_t *docs, struct out *out, json_t **error);

static json_t *contract_error(const char *kind, json_int_t code, int has_code, const char *message) {
    json_t *e = json_object();
    if (kind) json_object_set_new(e, "kind", json_string(kind));
    if (has_code) json_object_set_new(e, "code", json_integer(code));
    json_object_set_new(e, "message", json_string(message ? message : ""));
    if (!json_object_get(e, "message")) json_object_set_new(e, "message", json_string("(not UTF-8)"));
    return e;
}

static int hexval(int c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Hex text (spaces and '-' between digits allowed) to bytes; returns the length or -1. */
static long unhex(const char *s, unsigned char **bytes) {
    size_t n = strlen(s), k = 0;
    unsigned char *b = malloc(n / 2 + 1);
    int hi = -1;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == ' ' || s[i] == '-' || s[i] == '\n' || s[i] == '\t') continue;
        int v = hexval((unsigned char)s[i]);
        if (v < 0) { free(b); return -1; }
        if (hi < 0) hi = v; else { b[k++] = (unsigned char)(hi << 4 | v); hi = -1; }
    }
    if (hi >= 0) { free(b); return -1; }
    *bytes = b;
    return (long)k;
}

static char *tohex(const unsigned char *p, size_t n) {
    static const char d[] = "0123456789abcdef";
    char *s = malloc(n * 2 + 1);
    for (size_t i = 0; i < n; i++) { s[2 * i] = d[p[i] >> 4]; s[2 * i + 1] = d[p[i] & 15]; }
    s[n * 2] = 0;
    return s;
}

static const size_t JSON_FLAGS = JSON_COMPACT | JSON_ENSURE_ASCII | JSON_REAL_PRECISION(17);

static json_t *contract_answer(json_t *req) {
    const char *op = json_string_value(json_object_get(req, "op"));
    const char *protocol = json_string_value(json_object_get(req, "protocol"));
    const char *profile = json_string_value(json_object_get(req, "profile"));
    json_t *error = NULL, *a = json_object();
    if (!protocol) protocol = "";
    if (!profile) profile = "strict";
    if (op && !strcmp(op, "decode")) {
        unsigned char *in = NULL;
        const char *hex = json_string_value(json_object_get(req, "input"));
        long n = hex ? unhex(hex, &in) : -1;
        if (n < 0) { json_object_set_new(a, "crash", json_string("bad input hex")); return a; }
        json_t *docs = json_array();
        int rc = adapter_decode(protocol, profile, in, (size_t)n, docs, &error);
        free(in);
        if (rc == ADAPTER_UNSUPPORTED) {
            json_decref(docs);
            json_object_set(a, "unsupported", json_object_get(error, "message"));
        } else {
            json_object_set_new(a, "docs", docs);
            if (rc == ADAPTER_REJECTED) json_object_set(a, "error", error);
        }
    } else if (op && !strcmp(op, "encode")) {
        struct out o = {0};
        int rc = adapter_encode(protocol, profile, json_object_get(req, "docs"), &o, &error);
        if (rc == ADAPTER_UNSUPPORTED) json_object_set(a, "unsupported", json_object_get(error, "message"));
        else if (rc == ADAPTER_REJECTED) json_object_set(a, "error", error);
        else { char *h = tohex(o.data, o.len); json_object_set_new(a, "output", json_string(h)); free(h); }
        free(o.data);
    } else {
        json_object_set_new(a, "crash", json_string("unknown op"));
    }
    if (error) json_decref(error);
    return a;
}

static unsigned char *read_all(FILE *f, size_t *len) {
    struct out o = {0};
    unsigned char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) out_put(&o, buf, n);
    *len = o.len;
    if (!o.data) o.data = malloc(1);
    return o.data;
}

static int contract_main(int argc, char **argv) {
    if (argc == 2 && !strcmp(argv[1], "serve")) {
        char *line = NULL;
        size_t cap = 0;
        ssize_t n;
        while ((n = getline(&line, &cap, stdin)) > 0) {
            json_error_t jerr;
            json_t *req = json_loadb(line, (size_t)n, 0, &jerr);
            if (!req) continue;
            json_t *a = contract_answer(req);
            json_dumpf(a, stdout, JSON_FLAGS);
            fputc('\n', stdout);
            fflush(stdout);
            json_decref(a);
            json_decref(req);
        }
        free(line);
        return 0;
    }
    if (argc != 3 || (strcmp(argv[1], "decode") && strcmp(argv[1], "encode"))) {
        fprintf(stderr, "usage: %s decode|encode <protocol> | serve\n", argv[0]);
        return 2;
    }
    const char *profile = getenv("MSGWIRE_PROFILE");
    if (!profile || !*profile) profile = "strict";
    size_t len;
    unsigned char *in = read_all(stdin, &len);
    json_t *error = NULL;
    int rc;
    if (!strcmp(argv[1], "decode")) {
        json_t *docs = json_array();
        rc = adapter_decode(argv[2], profile, in, len, docs, &error);
        if (rc != ADAPTER_UNSUPPORTED) {
            size_t i;
            json_t *d;
            json_array_foreach(docs, i, d) { json_dumpf(d, stdout, JSON_FLAGS); fputc('\n', stdout); }
        }
        json_decref(docs);
        if (rc == ADAPTER_REJECTED) {
            json_t *w = json_object();
            json_object_set(w, "error", error);
            json_dumpf(w, stdout, JSON_FLAGS);
            fputc('\n', stdout);
            json_decref(w);
        }
    } else {
        json_t *docs = json_array();
        char *p = (char *)in, *end = (char *)in + len;
        while (p < end) {
            char *nl = memchr(p, '\n', (size_t)(end - p));
            size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
            json_error_t jerr;
            json_t *d = n ? json_loadb(p, n, 0, &jerr) : NULL;
            if (d) json_array_append_new(docs, d);
            p += n + 1;
        }
        struct out o = {0};
        rc = adapter_encode(argv[2], profile, docs, &o, &error);
        if (rc == ADAPTER_OK) fwrite(o.data, 1, o.len, stdout);
        free(o.data);
        json_decref(docs);
    }
    if (rc != ADAPTER_OK && error) {
        const char *m = json_string_value(json_object_get(error, "message"));
        fprintf(stderr, "%s: %s\n", rc == ADAPTER_UNSUPPORTED ? "unsupported" : "rejected", m ? m : "");
    }
    if (error) json_decref(error);
    free(in);
    fflush(stdout);
    return rc;
}

#endif
