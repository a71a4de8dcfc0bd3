/* fuzz_crosscheck.c - softbench crosscheck HYPERFINE.json BENCH.json
 * (harness/cmd_crosscheck.c) on two files: the input up to its first NUL
 * byte, and the rest. Beyond no crash: the exit status is 0 or 2, and a 2
 * comes with one "softbench: error: " message on stderr. */
#include "cli.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, 0, size);
    size_t a = nul != NULL ? (size_t)(nul - data) : size;
    char hf[512], bench[512];
    fz_file("hf.json", data, a, hf, sizeof hf);
    fz_file("bench.json", data + a + (nul != NULL), size - a - (nul != NULL), bench, sizeof bench);
    char *argv[] = {"crosscheck", hf, bench, NULL};
    struct fz_capture c;
    fz_capture_begin(&c);
    int rc = sb_cmd_crosscheck(3, argv);
    char *msg = fz_capture_end(&c);
    FZ_CHECK(rc == SB_EXIT_OK || rc == SB_EXIT_USAGE, "exit %d", rc);
    FZ_CHECK(rc == SB_EXIT_OK || strncmp(msg, "softbench: error: ", 18) == 0, "exit %d: '%s'", rc,
             msg);
    free(msg);
    unlink(hf);
    unlink(bench);
    return 0;
}
