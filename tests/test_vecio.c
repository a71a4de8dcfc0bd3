/* Vector files: text and raw round trips, malformed input, atomic writes. */
#include "testutil.h"

#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "vecio.h"

static char dir[64];

static int mkdir_setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/sbvecio.XXXXXX");
    return mkdtemp(dir) == NULL ? -1 : 0;
}

static int rm_teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void put(const char *name, const void *data, size_t len, char *path)
{
    sprintf(path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
}

static void text_values(void **state)
{
    (void)state;
    char path[128], err[256];
    const char *s = "1.5 -2e3\n inf -inf\tnan\n0x1p-149 -0\n";
    put("a.txt", s, strlen(s), path);
    float *x;
    size_t n;
    enum sb_fmt used;
    assert_int_equal(sb_read_vector(path, SB_FMT_AUTO, &x, &n, &used, err, sizeof err), 0);
    assert_int_equal(used, SB_FMT_TEXT);
    assert_int_equal(n, 7);
    assert_true(x[0] == 1.5f && x[1] == -2000.0f && x[2] == INFINITY && x[3] == -INFINITY);
    assert_true(isnan(x[4]) && x[5] == 0x1p-149f && same_bits(x[6], -0.0f));
    free(x);
}

static void text_errors(void **state)
{
    (void)state;
    char path[128], err[256];
    float *x;
    size_t n;
    const char *bad = "1 2\n3\n4 x5 6\n";
    put("bad.txt", bad, strlen(bad), path);
    assert_int_equal(sb_read_vector(path, SB_FMT_AUTO, &x, &n, NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, "bad.txt:3: not a number: 'x5'"));
    const char *big = "1\n1e39\n";
    put("big.txt", big, strlen(big), path);
    assert_int_equal(sb_read_vector(path, SB_FMT_AUTO, &x, &n, NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, "big.txt:2: out of float range: '1e39'"));
    sprintf(path, "%s/none.txt", dir);
    assert_int_equal(sb_read_vector(path, SB_FMT_AUTO, &x, &n, NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, "cannot open"));
}

static void raw_values_and_errors(void **state)
{
    (void)state;
    char path[128], err[256];
    float v[3] = {1.0f, NAN, -0.0f}, *x;
    size_t n;
    enum sb_fmt used;
    put("v.f32", v, sizeof v, path);
    assert_int_equal(sb_read_vector(path, SB_FMT_AUTO, &x, &n, &used, err, sizeof err), 0);
    assert_int_equal(used, SB_FMT_RAW);
    assert_int_equal(n, 3);
    assert_memory_equal(x, v, sizeof v);
    free(x);
    put("odd.bin", v, 10, path);
    assert_int_equal(sb_read_vector(path, SB_FMT_AUTO, &x, &n, NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, "byte offset 8"));
    /* no extension, binary content: sniffed as raw */
    float w[2] = {0x1.234p-3f, 3.0f};
    put("noext", w, sizeof w, path);
    assert_int_equal(sb_read_vector(path, SB_FMT_AUTO, &x, &n, &used, err, sizeof err), 0);
    assert_int_equal(used, SB_FMT_RAW);
    free(x);
}

static void round_trips(void **state)
{
    (void)state;
    float v[6] = {0.1f, FLT_MAX, 0x1p-149f, -0.0f, INFINITY, 1.0f / 3.0f}, *x;
    size_t n;
    char path[128], err[256];
    const enum sb_fmt fmts[2] = {SB_FMT_TEXT, SB_FMT_RAW};
    for (int f = 0; f < 2; f++) {
        sprintf(path, "%s/rt%d", dir, f);
        assert_int_equal(sb_write_vector(path, fmts[f], v, 6, err, sizeof err), 0);
        assert_int_equal(sb_read_vector(path, fmts[f], &x, &n, NULL, err, sizeof err), 0);
        assert_int_equal(n, 6);
        for (int i = 0; i < 6; i++)
            assert_true(same_bits(x[i], v[i]));
        free(x);
    }
}

static void write_is_atomic(void **state)
{
    (void)state;
    char path[128], err[256];
    float v[1] = {1};
    sprintf(path, "%s/missing/dir/out.txt", dir);
    assert_int_equal(sb_write_vector(path, SB_FMT_TEXT, v, 1, err, sizeof err), -1);
    assert_non_null(strstr(err, "cannot create"));
    char cmd[160];
    snprintf(cmd, sizeof cmd, "ls %s | grep -q tmp", dir);
    assert_int_not_equal(system(cmd), 0); /* no temporary left behind */
}

/* Writes a .npy file with the given header dict and n data floats. */
static void put_npy(const char *name, const char *dict, int version, size_t nvals, char *path)
{
    unsigned char buf[4096];
    size_t dl = strlen(dict), pre = version == 1 ? 10 : 12;
    size_t total = pre + dl + 1, pad = (64 - total % 64) % 64, hlen = dl + pad + 1;
    memcpy(buf, "\x93NUMPY", 6);
    buf[6] = (unsigned char)version;
    buf[7] = 0;
    buf[8] = (unsigned char)(hlen & 0xff);
    buf[9] = (unsigned char)(hlen >> 8);
    if (version != 1)
        buf[10] = buf[11] = 0;
    memcpy(buf + pre, dict, dl);
    memset(buf + pre + dl, ' ', pad);
    buf[pre + dl + pad] = '\n';
    size_t off = pre + hlen;
    for (size_t i = 0; i < nvals; i++) {
        float v = (float)i + 0.5f;
        memcpy(buf + off + 4 * i, &v, 4);
    }
    put(name, buf, off + 4 * nvals, path);
}

static void npy_reads(void **state)
{
    (void)state;
    char path[128], err[256];
    struct sb_matrix m;
    enum sb_fmt used;
    put_npy("a.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", 1, 6, path);
    assert_int_equal(sb_read_matrix(path, SB_FMT_AUTO, &m, &used, err, sizeof err), 0);
    assert_int_equal(used, SB_FMT_NPY);
    assert_true(m.rows == 2 && m.cols == 3 && m.ndim == 2 && m.x[5] == 5.5f);
    free(m.x);
    put_npy("b.npy", "{'descr': '<f4', 'fortran_order': True, 'shape': (4,), }", 2, 4, path);
    assert_int_equal(sb_read_matrix(path, SB_FMT_AUTO, &m, NULL, err, sizeof err), 0);
    assert_true(m.rows == 1 && m.cols == 4 && m.ndim == 1);
    free(m.x);
    /* a 2-D file written back is byte-identical */
    put_npy("c.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }", 1, 6, path);
    assert_int_equal(sb_read_matrix(path, SB_FMT_AUTO, &m, NULL, err, sizeof err), 0);
    char out[128];
    sprintf(out, "%s/c2.npy", dir);
    assert_int_equal(sb_write_matrix(out, SB_FMT_NPY, &m, err, sizeof err), 0);
    free(m.x);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "cmp -s %s %s", path, out);
    assert_int_equal(system(cmd), 0);
}

static void npy_rejects(void **state)
{
    (void)state;
    char path[128], err[256];
    struct sb_matrix m;
    const struct {
        const char *dict;
        size_t nvals;
        const char *msg;
    } bad[] = {
        {"{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", 4, "dtype '<f8'"},
        {"{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", 2, "big-endian"},
        {"{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", 6, "Fortran-order"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", 5, "truncated"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2, 2), }", 8, "more than 2"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (), }", 1, "0-d"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", 3, "unexpected bytes"},
        {"{'descr': '<f4', 'shape': (2,), }", 2, "malformed"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        put_npy("bad.npy", bad[i].dict, 1, bad[i].nvals, path);
        assert_int_equal(sb_read_matrix(path, SB_FMT_AUTO, &m, NULL, err, sizeof err), -1);
        if (strstr(err, bad[i].msg) == NULL)
            fail_msg("case %zu: '%s' lacks '%s'", i, err, bad[i].msg);
    }
    put("magic.npy", "\x93NUMPX\x01\x00\x00\x00", 10, path);
    assert_int_equal(sb_read_matrix(path, SB_FMT_AUTO, &m, NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, "not a .npy file"));
    put("short.npy", "\x93NUMPY\x01\x00\xff\x00{'descr'", 17, path);
    assert_int_equal(sb_read_matrix(path, SB_FMT_AUTO, &m, NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, "truncated .npy header"));
    put("ver.npy", "\x93NUMPY\x07\x00\x00\x00", 10, path);
    assert_int_equal(sb_read_matrix(path, SB_FMT_AUTO, &m, NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, "version 7"));
    /* one vector wanted, a batch given */
    put_npy("rows.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", 1, 6, path);
    float *x;
    size_t n;
    assert_int_equal(sb_read_vector(path, SB_FMT_AUTO, &x, &n, NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, "2 rows"));
}

static void formats(void **state)
{
    (void)state;
    enum sb_fmt f;
    assert_int_equal(sb_fmt_from_path("a/b.txt"), SB_FMT_TEXT);
    assert_int_equal(sb_fmt_from_path("a.csv"), SB_FMT_TEXT);
    assert_int_equal(sb_fmt_from_path("a.f32"), SB_FMT_RAW);
    assert_int_equal(sb_fmt_from_path("a.d/b"), SB_FMT_AUTO);
    assert_int_equal(sb_fmt_from_path("x.npy"), SB_FMT_NPY);
    assert_int_equal(sb_fmt_parse("raw", &f), 0);
    assert_int_equal(f, SB_FMT_RAW);
    assert_int_equal(sb_fmt_parse("json", &f), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(text_values),
        cmocka_unit_test(text_errors),
        cmocka_unit_test(raw_values_and_errors),
        cmocka_unit_test(round_trips),
        cmocka_unit_test(write_is_atomic),
        cmocka_unit_test(formats),
        cmocka_unit_test(npy_reads),
        cmocka_unit_test(npy_rejects),
    };
    return cmocka_run_group_tests_name("vecio", tests, mkdir_setup, rm_teardown);
}
