/* fuzz_json.c - sb_jparse and the sb_jr readers (harness/jsonio.h) on any
 * text. Beyond no crash: a refused text's error names a line and column; a
 * parsed document written with sb_jwrite parses again to an equal one
 * (json_equal) and writes the same bytes; for every member of every object
 * each getter agrees with the member's type (a number getter with
 * sb_jvalue_num, a size getter with the value, the optional getters with
 * the required ones), a missing key is an error naming it and only the
 * first error is kept; sb_jnum and sb_spelled("%.17g") give back every
 * number; sb_jstr makes a valid string of any bytes. */
#include <float.h>
#include <math.h>

#include "fuzz.h"
#include "jsonio.h"

static char *dump(const json_t *doc, size_t *len)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    FZ_CHECK(f != NULL, "open_memstream");
    FZ_CHECK(sb_jwrite(f, doc) == 0, "sb_jwrite failed");
    fclose(f);
    return buf;
}

static int same_num(double a, double b)
{
    return isnan(a) ? isnan(b) : memcmp(&a, &b, sizeof a) == 0;
}

/* The getters on obj[key] (v) agree with v. */
static void getters(const json_t *obj, const char *key, const json_t *v)
{
    struct sb_jr r = {.file = "fuzz"};
    double x, want;
    int isnum = sb_jvalue_num(v, &want) == 0;
    x = sb_jr_num(&r, obj, key);
    FZ_CHECK(sb_jr_ok(&r) == isnum && (!isnum || same_num(x, want)), "sb_jr_num on \"%s\"", key);
    FZ_CHECK(isnum || strlen(key) > 200 || strstr(r.err, "is not a number") != NULL, "%s", r.err);
    r.err[0] = '\0';
    x = sb_jr_num_opt(&r, obj, key, 1.5);
    FZ_CHECK(sb_jr_ok(&r) == isnum && (!isnum || same_num(x, want)), "sb_jr_num_opt on \"%s\"",
             key);
    r.err[0] = '\0';
    size_t max = (size_t)1e15, s = sb_jr_size(&r, obj, key, max);
    int whole = isnum && want >= 0 && want <= (double)max && want == floor(want);
    FZ_CHECK(sb_jr_ok(&r) == whole && (!whole || (double)s == want), "sb_jr_size on \"%s\"", key);
    r.err[0] = '\0';
    int b = sb_jr_bool(&r, obj, key);
    FZ_CHECK(sb_jr_ok(&r) == json_is_boolean(v) && b == json_is_true(v), "sb_jr_bool");
    r.err[0] = '\0';
    b = sb_jr_bool_opt(&r, obj, key, 7);
    FZ_CHECK(sb_jr_ok(&r) == json_is_boolean(v) && (!json_is_boolean(v) || b == json_is_true(v)),
             "sb_jr_bool_opt");
    r.err[0] = '\0';
    const char *str = sb_jr_str(&r, obj, key);
    FZ_CHECK(sb_jr_ok(&r) == json_is_string(v) && (str == json_string_value(v)), "sb_jr_str");
    r.err[0] = '\0';
    str = sb_jr_str_opt(&r, obj, key);
    FZ_CHECK(sb_jr_ok(&r) == json_is_string(v) && (str == json_string_value(v)), "sb_jr_str_opt");
    r.err[0] = '\0';
    json_t *a = sb_jr_arr(&r, obj, key);
    FZ_CHECK(sb_jr_ok(&r) == json_is_array(v) && (a == (json_is_array(v) ? v : NULL)), "sb_jr_arr");
    r.err[0] = '\0';
    a = sb_jr_obj_opt(&r, obj, key);
    FZ_CHECK(sb_jr_ok(&r) == json_is_object(v) && (a == (json_is_object(v) ? v : NULL)),
             "sb_jr_obj_opt");
    /* the first error is kept */
    r.err[0] = '\0';
    sb_jr_fail(&r, "first");
    sb_jr_num(&r, obj, key);
    sb_jr_arr(&r, NULL, key);
    FZ_CHECK(strcmp(r.err, "fuzz: first") == 0, "%s", r.err);
}

/* A key obj lacks: required getters fail naming it, optional ones give the
 * default. */
static void missing(const json_t *obj)
{
    char key[64];
    for (unsigned i = 0;; i++) {
        snprintf(key, sizeof key, "no such key %u", i);
        if (json_object_get(obj, key) == NULL)
            break;
    }
    struct sb_jr r = {.file = "fuzz"};
    FZ_CHECK(sb_jr_num_opt(&r, obj, key, 2.5) == 2.5 && sb_jr_bool_opt(&r, obj, key, 3) == 3 &&
                 sb_jr_str_opt(&r, obj, key) == NULL && sb_jr_arr_opt(&r, obj, key) == NULL &&
                 sb_jr_obj_opt(&r, obj, key) == NULL && sb_jr_ok(&r),
             "optional getters on a missing key: %s", r.err);
    FZ_CHECK(isnan(sb_jr_num(&r, obj, key)) && !sb_jr_ok(&r) && strstr(r.err, key) != NULL,
             "missing key: %s", r.err);
    r.err[0] = '\0';
    FZ_CHECK(sb_jr_obj(&r, obj, key) == NULL && strstr(r.err, key) != NULL, "%s", r.err);
    r.err[0] = '\0';
    FZ_CHECK(sb_jr_size(&r, obj, key, 10) == 0 && strstr(r.err, key) != NULL, "%s", r.err);
}

static void walk(const json_t *v, int depth)
{
    if (depth > 64)
        return;
    if (json_is_object(v)) {
        const char *key;
        json_t *m;
        missing(v);
        json_object_foreach((json_t *)v, key, m)
        {
            getters(v, key, m);
            walk(m, depth + 1);
        }
    } else if (json_is_array(v)) {
        size_t i;
        json_t *m;
        json_array_foreach(v, i, m) walk(m, depth + 1);
    } else if (json_is_number(v)) {
        double x = json_number_value(v), y = NAN;
        json_t *j = sb_jnum(x);
        FZ_CHECK(sb_jvalue_num(j, &y) == 0 && same_num(x, y), "sb_jnum(%.17g)", x);
        /* 17 significant digits name a double exactly */
        FZ_CHECK(same_num(sb_spelled("%.17g", x), x), "sb_spelled(\"%%.17g\", %.17g)", x);
        json_decref(j);
    } else if (json_is_string(v)) {
        json_t *j = sb_jstr(json_string_value(v));
        FZ_CHECK(j != NULL && strcmp(json_string_value(j), json_string_value(v)) == 0, "sb_jstr");
        json_decref(j);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[512] = "";
    json_t *doc = sb_jparse((const char *)data, size, "fuzz", err, sizeof err);
    /* any bytes: sb_jstr gives a string, the same one where they are UTF-8 */
    char *s = fz_cstr(data, size);
    json_t *js = sb_jstr(s);
    FZ_CHECK(js != NULL && strlen(json_string_value(js)) == strlen(s), "sb_jstr of bytes");
    json_decref(js);
    free(s);
    if (doc == NULL) {
        FZ_CHECK(strncmp(err, "fuzz: line ", 11) == 0 && strstr(err, ", column ") != NULL,
                 "the error names no position: %s", err);
        return 0;
    }
    size_t l1, l2;
    char *t1 = dump(doc, &l1);
    json_t *again = sb_jparse(t1, l1, "fuzz-again", err, sizeof err);
    FZ_CHECK(again != NULL, "written, not read back: %s", err);
    FZ_CHECK(json_equal(doc, again), "written and read back, not equal");
    char *t2 = dump(again, &l2);
    FZ_CHECK(l1 == l2 && memcmp(t1, t2, l1) == 0, "written twice, different bytes");
    free(t1);
    free(t2);
    json_decref(again);
    walk(doc, 0);
    json_decref(doc);
    return 0;
}
