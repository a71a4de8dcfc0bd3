/* jsonio.c - see jsonio.h. */
#include "jsonio.h"

#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void load_error(const json_error_t *e, const char *name, char *err, size_t errlen)
{
    /* no position: the file could not be read, and jansson's text names it */
    if (e->line < 0 && strstr(e->text, name) != NULL)
        snprintf(err, errlen, "%s", e->text);
    else
        snprintf(err, errlen, "%s: line %d, column %d (byte %d): %s", name, e->line, e->column,
                 e->position, e->text);
}

json_t *sb_jload(const char *path, char *err, size_t errlen)
{
    json_error_t e;
    json_t *doc = json_load_file(path, JSON_REJECT_DUPLICATES, &e);
    if (doc == NULL)
        load_error(&e, path, err, errlen);
    return doc;
}

json_t *sb_jparse(const char *text, size_t len, const char *name, char *err, size_t errlen)
{
    json_error_t e;
    json_t *doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &e);
    if (doc == NULL)
        load_error(&e, name, err, errlen);
    return doc;
}

int sb_jvalue_num(const json_t *v, double *out)
{
    if (json_is_number(v)) {
        *out = json_number_value(v);
        return 0;
    }
    const char *s = json_string_value(v);
    if (s == NULL)
        return -1;
    if (strcmp(s, "inf") == 0)
        *out = INFINITY;
    else if (strcmp(s, "-inf") == 0)
        *out = -INFINITY;
    else if (strcmp(s, "nan") == 0)
        *out = NAN;
    else
        return -1;
    return 0;
}

void sb_jr_fail(struct sb_jr *r, const char *fmt, ...)
{
    if (r->err[0] != '\0')
        return;
    int k = snprintf(r->err, sizeof r->err, "%s: ", r->file != NULL ? r->file : "JSON");
    if (k < 0 || (size_t)k >= sizeof r->err)
        k = 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->err + k, sizeof r->err - (size_t)k, fmt, ap);
    va_end(ap);
    if (r->err[0] == '\0') /* never leave an error unrecorded */
        snprintf(r->err, sizeof r->err, "JSON: error");
}

/* The member, or NULL; a missing one is an error when required. */
static json_t *member(struct sb_jr *r, const json_t *obj, const char *key, int required)
{
    json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;
    if (v == NULL && required)
        sb_jr_fail(r, "missing key \"%s\"", key);
    return v;
}

static void wrong(struct sb_jr *r, const char *key, const char *what)
{
    sb_jr_fail(r, "key \"%s\" is not %s", key, what);
}

static double num_of(struct sb_jr *r, const json_t *obj, const char *key, int required, double def)
{
    json_t *v = member(r, obj, key, required);
    double x;
    if (v == NULL)
        return required ? NAN : def;
    if (sb_jvalue_num(v, &x) != 0) {
        wrong(r, key, "a number");
        return NAN;
    }
    return x;
}

double sb_jr_num(struct sb_jr *r, const json_t *obj, const char *key)
{
    return num_of(r, obj, key, 1, NAN);
}

double sb_jr_num_opt(struct sb_jr *r, const json_t *obj, const char *key, double def)
{
    return num_of(r, obj, key, 0, def);
}

size_t sb_jr_size(struct sb_jr *r, const json_t *obj, const char *key, size_t max)
{
    double x = sb_jr_num(r, obj, key);
    if (isnan(x) && !sb_jr_ok(r))
        return 0;
    /* (double)max may round up (SIZE_MAX to 2^64): the bound is checked
     * again on the size_t, once the conversion is known to be defined */
    if (!(x >= 0.0 && x < ldexp(1.0, (int)(sizeof(size_t) * CHAR_BIT)) && x == floor(x)) ||
        (size_t)x > max) {
        sb_jr_fail(r, "key \"%s\" is not a whole number from 0 to %zu", key, max);
        return 0;
    }
    return (size_t)x;
}

static int bool_of(struct sb_jr *r, const json_t *obj, const char *key, int required, int def)
{
    json_t *v = member(r, obj, key, required);
    if (v == NULL)
        return required ? 0 : def;
    if (!json_is_boolean(v)) {
        wrong(r, key, "true or false");
        return 0;
    }
    return json_is_true(v);
}

int sb_jr_bool(struct sb_jr *r, const json_t *obj, const char *key)
{
    return bool_of(r, obj, key, 1, 0);
}

int sb_jr_bool_opt(struct sb_jr *r, const json_t *obj, const char *key, int def)
{
    return bool_of(r, obj, key, 0, def);
}

static const char *str_of(struct sb_jr *r, const json_t *obj, const char *key, int required)
{
    json_t *v = member(r, obj, key, required);
    if (v == NULL)
        return NULL;
    if (!json_is_string(v)) {
        wrong(r, key, "a string");
        return NULL;
    }
    return json_string_value(v);
}

const char *sb_jr_str(struct sb_jr *r, const json_t *obj, const char *key)
{
    return str_of(r, obj, key, 1);
}

const char *sb_jr_str_opt(struct sb_jr *r, const json_t *obj, const char *key)
{
    return str_of(r, obj, key, 0);
}

static json_t *typed(struct sb_jr *r, const json_t *obj, const char *key, int required, int arr)
{
    json_t *v = member(r, obj, key, required);
    if (v != NULL && !(arr ? json_is_array(v) : json_is_object(v))) {
        wrong(r, key, arr ? "an array" : "an object");
        return NULL;
    }
    return v;
}

json_t *sb_jr_arr(struct sb_jr *r, const json_t *obj, const char *key)
{
    return typed(r, obj, key, 1, 1);
}

json_t *sb_jr_obj(struct sb_jr *r, const json_t *obj, const char *key)
{
    return typed(r, obj, key, 1, 0);
}

json_t *sb_jr_arr_opt(struct sb_jr *r, const json_t *obj, const char *key)
{
    return typed(r, obj, key, 0, 1);
}

json_t *sb_jr_obj_opt(struct sb_jr *r, const json_t *obj, const char *key)
{
    return typed(r, obj, key, 0, 0);
}

json_t *sb_jnum(double v)
{
    if (isnan(v))
        return json_string("nan");
    if (isinf(v))
        return json_string(v > 0 ? "inf" : "-inf");
    return json_real(v);
}

double sb_spelled(const char *fmt, double v)
{
    char b[512]; /* "%.1f" of the largest double fits */
    if (!isfinite(v))
        return v;
    snprintf(b, sizeof b, fmt, v);
    return strtod(b, NULL);
}

json_t *sb_jstr(const char *s)
{
    if (s == NULL)
        return json_null();
    json_t *v = json_string(s);
    if (v != NULL)
        return v;
    /* Not UTF-8 (a file name can be anything): the same with '?' for each
     * byte outside ASCII, so the document stays valid JSON. */
    size_t n = strlen(s);
    char *t = malloc(n + 1);
    if (t == NULL)
        return NULL;
    for (size_t i = 0; i <= n; i++)
        t[i] = (unsigned char)s[i] < 0x80 ? s[i] : '?';
    v = json_string(t);
    free(t);
    return v;
}

int sb_jset(json_t *obj, const char *key, json_t *v)
{
    return v == NULL || json_object_set_new(obj, key, v) != 0 ? -1 : 0;
}

int sb_jappend(json_t *arr, json_t *v)
{
    return v == NULL || json_array_append_new(arr, v) != 0 ? -1 : 0;
}

json_t *sb_jdone(json_t *v, int bad)
{
    if (!bad)
        return v;
    json_decref(v);
    return NULL;
}

int sb_jwrite(FILE *f, const json_t *doc)
{
    if (json_dumpf(doc, f, JSON_INDENT(2) | JSON_REAL_PRECISION(17)) != 0)
        return -1;
    return fputc('\n', f) == EOF ? -1 : 0;
}
