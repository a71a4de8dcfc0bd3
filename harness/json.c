/* json.c - see json.h. Recursive descent over the RFC 8259 grammar; \u
 * escapes become UTF-8; depth is limited to 64. */
#include "json.h"

#include "cli.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct parser {
    const char *s, *p;
    char *err;
    size_t errlen;
    int failed, depth;
};

static void bad(struct parser *ps, const char *what)
{
    if (!ps->failed)
        snprintf(ps->err, ps->errlen, "JSON: %s at byte %zu", what, (size_t)(ps->p - ps->s));
    ps->failed = 1;
}

static void ws(struct parser *ps)
{
    while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r')
        ps->p++;
}

static struct sb_jnode *node(struct parser *ps, enum sb_jtype t)
{
    struct sb_jnode *n = calloc(1, sizeof *n);
    if (n == NULL)
        bad(ps, "out of memory");
    else
        n->type = t;
    return n;
}

static void put_utf8(char **o, unsigned c)
{
    if (c < 0x80)
        *(*o)++ = (char)c;
    else if (c < 0x800) {
        *(*o)++ = (char)(0xc0 | c >> 6);
        *(*o)++ = (char)(0x80 | (c & 0x3f));
    } else {
        *(*o)++ = (char)(0xe0 | c >> 12);
        *(*o)++ = (char)(0x80 | ((c >> 6) & 0x3f));
        *(*o)++ = (char)(0x80 | (c & 0x3f));
    }
}

static char *string(struct parser *ps)
{
    if (*ps->p != '"') {
        bad(ps, "expected a string");
        return NULL;
    }
    const char *q = ++ps->p;
    size_t len = 0;
    while (*q && *q != '"') {
        if (*q == '\\' && q[1])
            q++;
        q++;
        len++;
    }
    char *out = malloc(3 * len + 1), *o = out;
    if (out == NULL) {
        bad(ps, "out of memory");
        return NULL;
    }
    while (*ps->p && *ps->p != '"') {
        char c = *ps->p++;
        if ((unsigned char)c < 0x20) {
            bad(ps, "control character in a string");
            break;
        }
        if (c != '\\') {
            *o++ = c;
            continue;
        }
        c = *ps->p;
        if (c == '\0') {
            bad(ps, "unterminated string");
            break;
        }
        ps->p++;
        switch (c) {
        case '"': case '\\': case '/': *o++ = c; break;
        case 'b': *o++ = '\b'; break;
        case 'f': *o++ = '\f'; break;
        case 'n': *o++ = '\n'; break;
        case 'r': *o++ = '\r'; break;
        case 't': *o++ = '\t'; break;
        case 'u': {
            unsigned v = 0;
            for (int i = 0; i < 4 && !ps->failed; i++) {
                char h = *ps->p;
                int d = h >= '0' && h <= '9'   ? h - '0'
                        : h >= 'a' && h <= 'f' ? h - 'a' + 10
                        : h >= 'A' && h <= 'F' ? h - 'A' + 10
                                               : -1;
                if (d < 0)
                    bad(ps, "bad \\u escape"); /* also stops at the end of the text */
                else {
                    v = v * 16 + (unsigned)d;
                    ps->p++;
                }
            }
            if (!ps->failed)
                put_utf8(&o, v);
            break;
        }
        default: bad(ps, "bad escape");
        }
        if (ps->failed)
            break;
    }
    *o = '\0';
    if (!ps->failed && *ps->p != '"')
        bad(ps, "unterminated string");
    if (ps->failed) {
        free(out);
        return NULL;
    }
    ps->p++;
    return out;
}

static struct sb_jnode *value(struct parser *ps);

static struct sb_jnode *container(struct parser *ps, int obj)
{
    struct sb_jnode *n = node(ps, obj ? SB_JOBJ : SB_JARR), **tail;
    if (n == NULL)
        return NULL;
    tail = &n->child;
    ps->p++;
    ws(ps);
    if (*ps->p == (obj ? '}' : ']')) {
        ps->p++;
        return n;
    }
    if (++ps->depth > 64)
        bad(ps, "nesting too deep");
    while (!ps->failed) {
        char *key = NULL;
        ws(ps);
        if (obj) {
            key = string(ps);
            ws(ps);
            /* never step past the text's end: the callers read on after a failure */
            if (!ps->failed && *ps->p != ':')
                bad(ps, "expected ':'");
            else if (!ps->failed)
                ps->p++;
        }
        struct sb_jnode *v = ps->failed ? NULL : value(ps);
        if (v == NULL) {
            free(key);
            break;
        }
        v->key = key;
        *tail = v;
        tail = &v->next;
        ws(ps);
        if (*ps->p == ',') {
            ps->p++;
            continue;
        }
        if (*ps->p == (obj ? '}' : ']')) {
            ps->p++;
            break;
        }
        bad(ps, obj ? "expected ',' or '}'" : "expected ',' or ']'");
    }
    ps->depth--;
    return n;
}

static struct sb_jnode *value(struct parser *ps)
{
    ws(ps);
    char c = *ps->p;
    if (c == '{' || c == '[')
        return container(ps, c == '{');
    if (c == '"') {
        struct sb_jnode *n = node(ps, SB_JSTR);
        if (n != NULL && (n->str = string(ps)) == NULL) {
            free(n);
            return NULL;
        }
        return n;
    }
    static const struct {
        const char *w;
        enum sb_jtype t;
        double v;
    } words[] = {{"true", SB_JBOOL, 1}, {"false", SB_JBOOL, 0}, {"null", SB_JNULL, 0}};
    for (int i = 0; i < 3; i++)
        if (strncmp(ps->p, words[i].w, strlen(words[i].w)) == 0) {
            ps->p += strlen(words[i].w);
            struct sb_jnode *n = node(ps, words[i].t);
            if (n != NULL)
                n->num = words[i].v;
            return n;
        }
    if (c == '-' || (c >= '0' && c <= '9')) {
        char *end;
        double v = strtod(ps->p, &end);
        if (end == ps->p) {
            bad(ps, "bad number");
            return NULL;
        }
        ps->p = end;
        struct sb_jnode *n = node(ps, SB_JNUM);
        if (n != NULL)
            n->num = v;
        return n;
    }
    bad(ps, c ? "unexpected character" : "unexpected end");
    return NULL;
}

struct sb_jnode *sb_json_parse(const char *text, char *err, size_t errlen)
{
    struct parser ps = {.s = text, .p = text, .err = err, .errlen = errlen};
    struct sb_jnode *root = value(&ps);
    ws(&ps);
    if (!ps.failed && *ps.p != '\0')
        bad(&ps, "trailing characters");
    if (ps.failed) {
        sb_json_free(root);
        return NULL;
    }
    return root;
}

struct sb_jnode *sb_json_load(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        snprintf(err, errlen, "%s: cannot open", path);
        return NULL;
    }
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    while (buf != NULL) {
        len += fread(buf + len, 1, cap - len - 1, f);
        if (len < cap - 1)
            break;
        char *nb = realloc(buf, cap * 2);
        if (nb == NULL)
            free(buf);
        buf = nb;
        cap *= 2;
    }
    fclose(f);
    if (buf == NULL) {
        snprintf(err, errlen, "%s: out of memory", path);
        return NULL;
    }
    buf[len] = '\0';
    char inner[200];
    struct sb_jnode *root = sb_json_parse(buf, inner, sizeof inner);
    if (root == NULL)
        snprintf(err, errlen, "%s: %s", path, inner);
    free(buf);
    return root;
}

void sb_json_free(struct sb_jnode *n)
{
    while (n != NULL) {
        struct sb_jnode *next = n->next;
        sb_json_free(n->child);
        free(n->str);
        free(n->key);
        free(n);
        n = next;
    }
}

const struct sb_jnode *sb_json_get(const struct sb_jnode *obj, const char *key)
{
    if (obj == NULL || obj->type != SB_JOBJ)
        return NULL;
    for (const struct sb_jnode *c = obj->child; c != NULL; c = c->next)
        if (c->key != NULL && strcmp(c->key, key) == 0)
            return c;
    return NULL;
}

double sb_json_num_of(const struct sb_jnode *obj, const char *key, double def)
{
    const struct sb_jnode *n = sb_json_get(obj, key);
    if (n == NULL)
        return def;
    if (n->type == SB_JNUM || n->type == SB_JBOOL)
        return n->num;
    if (n->type == SB_JSTR)
        return strcmp(n->str, "inf") == 0    ? INFINITY
               : strcmp(n->str, "-inf") == 0 ? -INFINITY
                                             : NAN;
    return def;
}

const char *sb_json_str_of(const struct sb_jnode *obj, const char *key)
{
    const struct sb_jnode *n = sb_json_get(obj, key);
    return n != NULL && n->type == SB_JSTR ? n->str : NULL;
}

void sb_json_write(FILE *f, const struct sb_jnode *n, int indent)
{
    switch (n->type) {
    case SB_JNULL: fputs("null", f); return;
    case SB_JBOOL: fputs(n->num != 0 ? "true" : "false", f); return;
    case SB_JNUM: sb_json_num(f, n->num); return;
    case SB_JSTR: sb_json_str(f, n->str); return;
    case SB_JARR:
    case SB_JOBJ: {
        int obj = n->type == SB_JOBJ;
        fputc(obj ? '{' : '[', f);
        for (const struct sb_jnode *c = n->child; c != NULL; c = c->next) {
            fprintf(f, "%s\n%*s", c == n->child ? "" : ",", indent + 2, "");
            if (obj) {
                sb_json_str(f, c->key);
                fputs(": ", f);
            }
            sb_json_write(f, c, indent + 2);
        }
        if (n->child != NULL)
            fprintf(f, "\n%*s", indent, "");
        fputc(obj ? '}' : ']', f);
        return;
    }
    }
}
