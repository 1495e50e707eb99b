/* An XML-RPC server for `msgwire check xmlrpc-server`, built on xmlrpc-c's Abyss HTTP server
 * (which we did not write; Debian libxmlrpc-core-c3-dev): a method registry with `echo`
 * (returns its params as an array) and the eight validator1 methods; the registry's built-in
 * system.* methods (introspection, system.multicall) are left as xmlrpc-c provides them.
 *
 *   xmlrpc_c_server PORT        # http://127.0.0.1:PORT/RPC2
 *
 * Loopback only (bound to 127.0.0.1); exits after MSGWIRE_LIVE_LIFETIME seconds (default 600).
 * Built by .ci/peers/more-servers.sh: cc xmlrpc_c_server.c $(xmlrpc-c-config abyss-server --libs). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xmlrpc-c/base.h>
#include <xmlrpc-c/server.h>
#include <xmlrpc-c/server_abyss.h>

static xmlrpc_value *echo(xmlrpc_env *env, xmlrpc_value *params, void *s, void *c) {
    (void)env, (void)s, (void)c;
    xmlrpc_INCREF(params);
    return params;
}

static xmlrpc_value *first_param(xmlrpc_env *env, xmlrpc_value *params) {
    xmlrpc_value *v = NULL;
    if (xmlrpc_array_size(env, params) < 1) { xmlrpc_faultf(env, "one parameter expected"); return NULL; }
    xmlrpc_array_read_item(env, params, 0, &v);
    return v;
}

static int int_member(xmlrpc_env *env, xmlrpc_value *s, const char *name) {
    xmlrpc_value *v = NULL;
    int i = 0;
    xmlrpc_struct_find_value(env, s, name, &v);
    if (env->fault_occurred) return 0;
    if (!v) { xmlrpc_faultf(env, "no member %s", name); return 0; }
    xmlrpc_read_int(env, v, &i);
    xmlrpc_DECREF(v);
    return i;
}

static xmlrpc_value *array_of_structs(xmlrpc_env *env, xmlrpc_value *params, void *s, void *c) {
    (void)s, (void)c;
    xmlrpc_value *a = first_param(env, params);
    if (!a) return NULL;
    int total = 0, n = xmlrpc_array_size(env, a);
    for (int i = 0; i < n && !env->fault_occurred; i++) {
        xmlrpc_value *st;
        xmlrpc_array_read_item(env, a, (unsigned)i, &st);
        if (env->fault_occurred) break;
        total += int_member(env, st, "curly");
        xmlrpc_DECREF(st);
    }
    xmlrpc_DECREF(a);
    return env->fault_occurred ? NULL : xmlrpc_int_new(env, total);
}

static xmlrpc_value *count_entities(xmlrpc_env *env, xmlrpc_value *params, void *s, void *c) {
    (void)s, (void)c;
    xmlrpc_value *v = first_param(env, params);
    if (!v) return NULL;
    size_t n;
    const char *str;
    xmlrpc_read_string_lp(env, v, &n, &str);
    xmlrpc_DECREF(v);
    if (env->fault_occurred) return NULL;
    int lt = 0, gt = 0, amp = 0, apos = 0, quot = 0;
    for (size_t i = 0; i < n; i++) {
        lt += str[i] == '<'; gt += str[i] == '>'; amp += str[i] == '&'; apos += str[i] == '\''; quot += str[i] == '"';
    }
    free((void *)str);
    return xmlrpc_build_value(env, "{s:i,s:i,s:i,s:i,s:i}", "ctLeftAngleBrackets", lt, "ctRightAngleBrackets", gt,
                              "ctAmpersands", amp, "ctApostrophes", apos, "ctQuotes", quot);
}

static int sum3(xmlrpc_env *env, xmlrpc_value *st) {
    return int_member(env, st, "moe") + int_member(env, st, "larry") + int_member(env, st, "curly");
}

static xmlrpc_value *easy_struct(xmlrpc_env *env, xmlrpc_value *params, void *s, void *c) {
    (void)s, (void)c;
    xmlrpc_value *st = first_param(env, params);
    if (!st) return NULL;
    int total = sum3(env, st);
    xmlrpc_DECREF(st);
    return env->fault_occurred ? NULL : xmlrpc_int_new(env, total);
}

static xmlrpc_value *echo_struct(xmlrpc_env *env, xmlrpc_value *params, void *s, void *c) {
    (void)s, (void)c;
    return first_param(env, params);
}

static xmlrpc_value *moderate_array(xmlrpc_env *env, xmlrpc_value *params, void *s, void *c) {
    (void)s, (void)c;
    xmlrpc_value *a = first_param(env, params);
    if (!a) return NULL;
    int n = xmlrpc_array_size(env, a);
    if (n < 1) { xmlrpc_DECREF(a); xmlrpc_faultf(env, "empty array"); return NULL; }
    xmlrpc_value *f, *l;
    xmlrpc_array_read_item(env, a, 0, &f);
    xmlrpc_array_read_item(env, a, (unsigned)n - 1, &l);
    xmlrpc_DECREF(a);
    if (env->fault_occurred) return NULL;
    size_t fn, ln;
    const char *fs, *ls;
    xmlrpc_read_string_lp(env, f, &fn, &fs);
    xmlrpc_read_string_lp(env, l, &ln, &ls);
    xmlrpc_DECREF(f);
    xmlrpc_DECREF(l);
    if (env->fault_occurred) return NULL;
    char *both = malloc(fn + ln + 1);
    memcpy(both, fs, fn);
    memcpy(both + fn, ls, ln);
    xmlrpc_value *r = xmlrpc_string_new_lp(env, fn + ln, both);
    free(both);
    free((void *)fs);
    free((void *)ls);
    return r;
}

static xmlrpc_value *nested_struct(xmlrpc_env *env, xmlrpc_value *params, void *s, void *c) {
    (void)s, (void)c;
    xmlrpc_value *st = first_param(env, params);
    const char *path[] = {"2000", "04", "01"};
    for (int i = 0; i < 3 && st; i++) {
        xmlrpc_value *next = NULL;
        xmlrpc_struct_find_value(env, st, path[i], &next);
        xmlrpc_DECREF(st);
        st = env->fault_occurred ? NULL : next;
    }
    if (!st) { if (!env->fault_occurred) xmlrpc_faultf(env, "no 2000/04/01"); return NULL; }
    int total = sum3(env, st);
    xmlrpc_DECREF(st);
    return env->fault_occurred ? NULL : xmlrpc_int_new(env, total);
}

static xmlrpc_value *simple_struct_return(xmlrpc_env *env, xmlrpc_value *params, void *s, void *c) {
    (void)s, (void)c;
    xmlrpc_value *v = first_param(env, params);
    if (!v) return NULL;
    int n = 0;
    xmlrpc_read_int(env, v, &n);
    xmlrpc_DECREF(v);
    if (env->fault_occurred) return NULL;
    return xmlrpc_build_value(env, "{s:i,s:i,s:i}", "times10", n * 10, "times100", n * 100, "times1000", n * 1000);
}

int main(int argc, char **argv) {
    if (argc != 2) { fprintf(stderr, "usage: %s PORT\n", argv[0]); return 2; }
    const char *life = getenv("MSGWIRE_LIVE_LIFETIME");
    alarm(life && atoi(life) > 0 ? (unsigned)atoi(life) : 600);
    xmlrpc_env env;
    xmlrpc_env_init(&env);
    xmlrpc_registry *reg = xmlrpc_registry_new(&env);
    struct { const char *name; xmlrpc_method2 f; } methods[] = {
        {"echo", echo},
        {"validator1.arrayOfStructsTest", array_of_structs},
        {"validator1.countTheEntities", count_entities},
        {"validator1.easyStructTest", easy_struct},
        {"validator1.echoStructTest", echo_struct},
        {"validator1.manyTypesTest", echo},
        {"validator1.moderateSizeArrayCheck", moderate_array},
        {"validator1.nestedStructTest", nested_struct},
        {"validator1.simpleStructReturnTest", simple_struct_return},
    };
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
        struct xmlrpc_method_info3 info = {0};
        info.methodName = methods[i].name;
        info.methodFunction = methods[i].f;
        xmlrpc_registry_add_method3(&env, reg, &info);
    }
    struct sockaddr_in addr = {0};
    addr.sin_family = AF_INET;
    addr.sin_port = htons((unsigned short)atoi(argv[1]));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    xmlrpc_server_abyss_parms parms = {0};
    parms.config_file_name = NULL;
    parms.registryP = reg;
    parms.port_number = (unsigned)atoi(argv[1]);
    parms.log_file_name = NULL;
    parms.uri_path = "/RPC2";
    parms.sockaddr_p = (const struct sockaddr *)&addr;
    parms.sockaddrlen = sizeof addr;
    printf("xmlrpc-c Abyss listening on http://127.0.0.1:%s/RPC2\n", argv[1]);
    fflush(stdout);
    xmlrpc_server_abyss(&env, &parms, XMLRPC_APSIZE(sockaddrlen));
    if (env.fault_occurred) { fprintf(stderr, "xmlrpc_server_abyss: %s\n", env.fault_string); return 1; }
    return 0;
}
