/* fuzz_report.c - the report's reader (harness/report/read.c) and, on what
 * it accepts, the writers: the input is one or more JSON documents
 * separated by NUL bytes (JSON holds none), as softbench report takes
 * several files. Each goes through sb_rep_add_file; when all are taken,
 * each machine through sb_rep_digest and sb_recommend; when those pass,
 * results.json (sb_rep_results), the HTML and Markdown documents and the
 * CSVs are written. Beyond no crash: every refusal comes with a message;
 * the writers, which read structs only, run on whatever the reader took;
 * and the results.json written is itself a report input that reads and
 * digests again. */
#include "fuzz.h"
#include "jsonio.h"
#include "report/report.h"

#define MAXDOCS 8

/* sb_rep_add_file and sb_rep_digest over docs: 0, or -1 with err set. */
static int read_all(struct report *r, json_t **docs, int nd, char *err, size_t len)
{
    for (int i = 0; i < nd; i++)
        if (sb_rep_add_file(r, docs[i], "fuzz", err, len) != 0)
            return -1;
    for (size_t i = 0; i < r->nm; i++) {
        if (sb_rep_digest(&r->m[i], err, len) != 0)
            return -1;
        sb_recommend(&r->m[i].d, r->budget, r->m[i].rec);
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *docs[MAXDOCS];
    int nd = 0;
    char err[1024] = "";
    for (size_t at = 0; at < size && nd < MAXDOCS;) {
        const uint8_t *end = memchr(data + at, 0, size - at);
        size_t len = end != NULL ? (size_t)(end - (data + at)) : size - at;
        docs[nd] = sb_jparse((const char *)data + at, len, "fuzz", err, sizeof err);
        if (docs[nd] == NULL) {
            for (int i = 0; i < nd; i++)
                json_decref(docs[i]);
            return 0;
        }
        nd++;
        at += len + 1;
    }
    struct report r = {.budget = 4.0};
    err[0] = '\0';
    if (read_all(&r, docs, nd, err, sizeof err) != 0) {
        FZ_CHECK(err[0] != '\0', "refused without a message");
    } else if (r.nm > 0) {
        FILE *null = fopen("/dev/null", "w");
        FZ_CHECK(null != NULL, "/dev/null");
        json_t *res = sb_rep_results(&r);
        FZ_CHECK(res != NULL, "sb_rep_results gave NULL");
        FZ_CHECK(sb_jwrite(null, res) == 0, "sb_jwrite");
        sb_rep_write_doc(null, &r, SB_HTML);
        sb_rep_write_doc(null, &r, SB_MD);
        sb_rep_write_csvs(&r, null, null, null, null);
        fclose(null);
        /* results.json is an input of a report again */
        struct report r2 = {.budget = 4.0};
        FZ_CHECK(read_all(&r2, &res, 1, err, sizeof err) == 0, "its own results.json refused: %s",
                 err);
        FZ_CHECK(r2.nm == r.nm, "%zu machines, %zu read back", r.nm, r2.nm);
        sb_rep_free(&r2);
        json_decref(res);
    }
    sb_rep_free(&r);
    for (int i = 0; i < nd; i++)
        json_decref(docs[i]);
    return 0;
}
