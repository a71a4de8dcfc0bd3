/* jsonio: the JSON layer over jansson. A reader's errors name the key and
 * the file; numbers, the non-finite ones included, come back as written;
 * what it refuses (duplicate keys, broken text, the old parser's fuzzer
 * crash) is refused with an error, never a crash. */
#include "testutil.h"

#include <float.h>
#include <unistd.h>

#include "jsonio.h"

static json_t *parse(const char *text)
{
    char err[300];
    json_t *j = sb_jparse(text, strlen(text), "t.json", err, sizeof err);
    if (j == NULL)
        fail_msg("%s", err);
    return j;
}

/* doc written by sb_jwrite and parsed back. */
static json_t *round_trip(const json_t *doc, char **text)
{
    size_t len = 0;
    FILE *f = open_memstream(text, &len);
    assert_non_null(f);
    assert_int_equal(sb_jwrite(f, doc), 0);
    assert_int_equal(fclose(f), 0);
    char err[300];
    json_t *back = sb_jparse(*text, len, "mem", err, sizeof err);
    if (back == NULL)
        fail_msg("%s in %s", err, *text);
    return back;
}

static void missing_key_names_key_and_file(void **state)
{
    (void)state;
    char path[] = "/tmp/test_jsonio.XXXXXX", err[300];
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char text[] = "{\"gate\": {\"insn_n\": 1000}}";
    assert_int_equal(write(fd, text, sizeof text - 1), (ssize_t)(sizeof text - 1));
    close(fd);
    json_t *doc = sb_jload(path, err, sizeof err);
    assert_non_null(doc);
    struct sb_jr r = {.file = path};
    const json_t *g = sb_jr_obj(&r, doc, "gate");
    assert_true(sb_jr_num(&r, g, "insn_n") == 1000.0);
    assert_true(sb_jr_ok(&r));
    assert_true(isnan(sb_jr_num(&r, g, "time_n")));
    assert_false(sb_jr_ok(&r));
    assert_non_null(strstr(r.err, path));
    assert_non_null(strstr(r.err, "\"time_n\""));
    /* only the first error is kept; a lookup under a missing object is
     * the same single error, not a crash */
    assert_null(sb_jr_str(&r, sb_jr_obj(&r, doc, "build"), "compiler"));
    assert_non_null(strstr(r.err, "\"time_n\""));
    assert_null(strstr(r.err, "build"));
    struct sb_jr r2 = {.file = path};
    assert_null(sb_jr_str(&r2, sb_jr_obj(&r2, doc, "build"), "compiler"));
    assert_non_null(strstr(r2.err, "\"build\""));
    json_decref(doc);
    unlink(path);
    /* a file that is not there, or not JSON, is named too */
    assert_null(sb_jload(path, err, sizeof err));
    assert_non_null(strstr(err, path));
    assert_null(sb_jparse("{\"a\": }", 7, "broken.json", err, sizeof err));
    assert_non_null(strstr(err, "broken.json: line 1"));
}

static void wrong_types_are_errors(void **state)
{
    (void)state;
    json_t *j = parse(
        "{\"s\": \"abc\", \"n\": 2, \"b\": true, \"a\": [1], \"o\": {}, \"z\": null}");
    const char *keys[] = {"s", "n", "b", "a", "o", "z"};
    for (size_t i = 0; i < 6; i++) {
        const char *k = keys[i];
        struct sb_jr r = {.file = "t.json"};
        double x = sb_jr_num(&r, j, k);
        assert_int_equal(sb_jr_ok(&r), strcmp(k, "n") == 0);
        if (!sb_jr_ok(&r)) {
            assert_true(isnan(x));
            assert_non_null(strstr(r.err, "is not a number"));
        }
        r.err[0] = '\0';
        const char *s = sb_jr_str(&r, j, k);
        assert_int_equal(sb_jr_ok(&r), strcmp(k, "s") == 0);
        assert_true((s != NULL) == sb_jr_ok(&r));
        r.err[0] = '\0';
        sb_jr_bool(&r, j, k);
        assert_int_equal(sb_jr_ok(&r), strcmp(k, "b") == 0);
        r.err[0] = '\0';
        assert_true((sb_jr_arr(&r, j, k) != NULL) == (strcmp(k, "a") == 0));
        assert_int_equal(sb_jr_ok(&r), strcmp(k, "a") == 0);
        r.err[0] = '\0';
        assert_true((sb_jr_obj(&r, j, k) != NULL) == (strcmp(k, "o") == 0));
        assert_int_equal(sb_jr_ok(&r), strcmp(k, "o") == 0);
        if (!sb_jr_ok(&r))
            assert_non_null(strstr(r.err, k));
    }
    /* optional: absent gives the default; present of the wrong type is
     * still an error */
    struct sb_jr r = {.file = "t.json"};
    assert_true(sb_jr_num_opt(&r, j, "none", 7.5) == 7.5);
    assert_int_equal(sb_jr_bool_opt(&r, j, "none", 1), 1);
    assert_null(sb_jr_str_opt(&r, j, "none"));
    assert_null(sb_jr_arr_opt(&r, j, "none"));
    assert_null(sb_jr_obj_opt(&r, j, "none"));
    assert_true(sb_jr_ok(&r));
    assert_true(sb_jr_num_opt(&r, j, "n", 7.5) == 2.0);
    assert_true(sb_jr_ok(&r));
    assert_true(isnan(sb_jr_num_opt(&r, j, "s", 7.5)));
    assert_non_null(strstr(r.err, "\"s\" is not a number"));
    const char *opt_wrong[] = {"bool", "str", "arr", "obj"};
    for (size_t i = 0; i < 4; i++) {
        struct sb_jr q = {.file = "t.json"};
        if (i == 0)
            sb_jr_bool_opt(&q, j, "n", 0);
        else if (i == 1)
            sb_jr_str_opt(&q, j, "n");
        else if (i == 2)
            sb_jr_arr_opt(&q, j, "o");
        else
            sb_jr_obj_opt(&q, j, "a");
        if (sb_jr_ok(&q))
            fail_msg("the %s of a wrong type passed", opt_wrong[i]);
    }
    /* a member of something that is not an object: missing, not a crash */
    assert_true(isnan(sb_jr_num(&r, json_object_get(j, "a"), "x")));
    json_decref(j);
}

static void size_bounds(void **state)
{
    (void)state;
    json_t *j = parse("{\"neg\": -1, \"frac\": 2.5, \"big\": 11, \"max\": 10, \"zero\": 0, "
                      "\"inf\": \"inf\", \"nan\": \"nan\", \"huge\": 1e300, "
                      "\"p64\": 18446744073709551616.0, \"p60\": 1152921504606846976.0, "
                      "\"s\": \"10\"}");
    const char *bad[] = {"neg", "frac", "big", "inf", "nan", "huge", "s", "missing"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct sb_jr r = {.file = "t.json"};
        assert_int_equal(sb_jr_size(&r, j, bad[i], 10), 0);
        assert_false(sb_jr_ok(&r));
        assert_non_null(strstr(r.err, bad[i]));
    }
    struct sb_jr r = {.file = "t.json"};
    assert_int_equal(sb_jr_size(&r, j, "max", 10), 10);
    assert_int_equal(sb_jr_size(&r, j, "zero", 10), 0);
    assert_true(sb_jr_ok(&r));
    /* 2^64 does not fit a size_t (converting it would be undefined); 2^60
     * rounds to the same double as 2^60 - 1, yet is above it */
    assert_int_equal(sb_jr_size(&r, j, "p64", SIZE_MAX), 0);
    assert_false(sb_jr_ok(&r));
    r.err[0] = '\0';
    assert_int_equal(sb_jr_size(&r, j, "p60", ((size_t)1 << 60) - 1), 0);
    assert_false(sb_jr_ok(&r));
    r.err[0] = '\0';
    assert_int_equal(sb_jr_size(&r, j, "p60", (size_t)1 << 60), (size_t)1 << 60);
    assert_true(sb_jr_ok(&r));
    json_decref(j);
}

static void nonfinite_round_trip(void **state)
{
    (void)state;
    json_t *doc = json_object();
    assert_int_equal(sb_jset(doc, "pinf", sb_jnum(INFINITY)), 0);
    assert_int_equal(sb_jset(doc, "ninf", sb_jnum(-INFINITY)), 0);
    assert_int_equal(sb_jset(doc, "nan", sb_jnum(NAN)), 0);
    char *text = NULL;
    json_t *back = round_trip(doc, &text);
    assert_non_null(strstr(text, "\"pinf\": \"inf\""));
    assert_non_null(strstr(text, "\"ninf\": \"-inf\""));
    assert_non_null(strstr(text, "\"nan\": \"nan\""));
    struct sb_jr r = {.file = "mem"};
    double p = sb_jr_num(&r, back, "pinf"), n = sb_jr_num(&r, back, "ninf");
    assert_true(isinf(p) && p > 0);
    assert_true(isinf(n) && n < 0);
    assert_true(isnan(sb_jr_num(&r, back, "nan")));
    assert_true(sb_jr_ok(&r));
    /* any other string is not a number */
    double x;
    json_t *s = json_string("infinity");
    assert_int_equal(sb_jvalue_num(s, &x), -1);
    json_decref(s);
    free(text);
    json_decref(back);
    json_decref(doc);
}

static void doubles_round_trip_exactly(void **state)
{
    (void)state;
    const double v[] = {0.1,
                        1.0 / 3.0,
                        9.2804475571028888e-07,
                        DBL_MAX,
                        DBL_MIN,
                        4.9406564584124654e-324,
                        -0.0,
                        1e23,
                        131.687,
                        nextafter(1.0, 2.0),
                        -2.5e-300,
                        123456789012345678.0};
    size_t nv = sizeof v / sizeof v[0];
    json_t *arr = json_array();
    for (size_t i = 0; i < nv; i++)
        assert_int_equal(sb_jappend(arr, sb_jnum(v[i])), 0);
    char *text = NULL;
    json_t *back = round_trip(arr, &text);
    assert_int_equal(json_array_size(back), nv);
    for (size_t i = 0; i < nv; i++) {
        double x;
        assert_int_equal(sb_jvalue_num(json_array_get(back, i), &x), 0);
        if (memcmp(&x, &v[i], sizeof x) != 0)
            fail_msg("%.17g came back as %.17g", v[i], x);
    }
    free(text);
    json_decref(back);
    json_decref(arr);
    /* sb_spelled: the value a "%.6g" writer recorded, exactly */
    json_t *r = sb_jnum(sb_spelled("%.6g", 131.68712345));
    assert_true(json_real_value(r) == 131.687);
    json_decref(r);
    r = sb_jnum(sb_spelled("%.4g", -INFINITY));
    assert_string_equal(json_string_value(r), "-inf");
    json_decref(r);
}

static void non_utf8_string_writes_valid_json(void **state)
{
    (void)state;
    json_t *doc = json_object();
    assert_int_equal(sb_jset(doc, "path", sb_jstr("data/\xffx\xfe-\xc3(.npy")), 0);
    assert_int_equal(sb_jset(doc, "ok", sb_jstr("caf\xc3\xa9 \"q\" \\ \n")), 0);
    assert_int_equal(sb_jset(doc, "none", sb_jstr(NULL)), 0);
    char *text = NULL;
    json_t *back = round_trip(doc, &text);
    struct sb_jr r = {.file = "mem"};
    assert_string_equal(sb_jr_str(&r, back, "path"), "data/?x?-?(.npy");
    assert_string_equal(sb_jr_str(&r, back, "ok"), "caf\xc3\xa9 \"q\" \\ \n");
    assert_true(json_is_null(json_object_get(back, "none")));
    free(text);
    json_decref(back);
    json_decref(doc);
    /* a builder's failure: sb_jset and sb_jappend take NULL and say so */
    json_t *o = json_object(), *a = json_array();
    assert_int_equal(sb_jset(o, "k", NULL), -1);
    assert_int_equal(sb_jappend(a, NULL), -1);
    assert_int_equal(sb_jset(NULL, "k", json_true()), -1);
    assert_null(sb_jdone(o, 1));
    assert_ptr_equal(sb_jdone(a, 0), a);
    json_decref(a);
}

static void duplicate_keys_refused(void **state)
{
    (void)state;
    char err[300];
    const char *t = "{\"a\": 1, \"b\": {\"c\": 2, \"c\": 3}}";
    assert_null(sb_jparse(t, strlen(t), "dup.json", err, sizeof err));
    assert_non_null(strstr(err, "dup.json"));
    assert_non_null(strstr(err, "duplicate"));
}

/* The old parser's fuzzer crash: a read past the buffer. The buffer is
 * exactly the input's size, with no terminating NUL, so AddressSanitizer
 * (make test's sanitizer build) sees any read beyond it. */
static void fuzzer_crash_input_refused(void **state)
{
    (void)state;
    const char in[] = "{\"a\xff\xff\xff\xff\xff\xff\xff\xff[{:\"";
    size_t len = sizeof in - 1;
    assert_int_equal(len, 15);
    char *t = malloc(len), err[300];
    assert_non_null(t);
    memcpy(t, in, len);
    assert_null(sb_jparse(t, len, "fuzz", err, sizeof err));
    assert_non_null(strstr(err, "fuzz: line 1"));
    /* every prefix too */
    for (size_t n = 0; n < len; n++) {
        char *p = malloc(n ? n : 1);
        assert_non_null(p);
        memcpy(p, in, n);
        assert_null(sb_jparse(p, n, "fuzz", err, sizeof err));
        free(p);
    }
    free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(missing_key_names_key_and_file),
        cmocka_unit_test(wrong_types_are_errors),
        cmocka_unit_test(size_bounds),
        cmocka_unit_test(nonfinite_round_trip),
        cmocka_unit_test(doubles_round_trip_exactly),
        cmocka_unit_test(non_utf8_string_writes_valid_json),
        cmocka_unit_test(duplicate_keys_refused),
        cmocka_unit_test(fuzzer_crash_input_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
