/* results.c - results.json (the inputs, as read, and every derived figure)
 * and the CSV files. */
#include "report.h"

#include <stdint.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "jsonio.h"
#include "keys.h"

/* A string, or null. */
static json_t *str_or_null(const char *s) { return s != NULL ? sb_jstr(s) : json_null(); }

static json_t *rec_obj(const struct sb_rec *c, int band, int g)
{
    json_t *o = json_object();
    int e = o == NULL;
    e |= sb_jset(o, SBK_BAND, sb_jstr(sb_bands[band].name));
    e |= sb_jset(o, SBK_BUDGET, sb_jstr(sb_budget_names[g]));
    e |= sb_jset(o, SBK_KERNEL, str_or_null(c->k != NULL ? c->k->name : NULL));
    if (c->k != NULL) {
        int two = c->second != NULL;
        e |= sb_jset(o, SBK_PEER, json_boolean(strcmp(c->k->kind, "peer") == 0));
        e |= sb_jset(o, SBK_NS_PER_ELEM, sb_jnum(c->ns));
        e |= sb_jset(o, SBK_MAX_ULP, sb_jnum(c->ulp));
        e |= sb_jset(o, SBK_RUNNER_UP, str_or_null(two ? c->second->name : NULL));
        e |= sb_jset(o, SBK_RUNNER_UP_NS, two ? sb_jnum(c->second_ns) : json_null());
        e |= sb_jset(o, SBK_MARGIN_PCT, two ? sb_jnum(sb_margin_pct(c)) : json_null());
    }
    if (e && o != NULL)
        json_decref(o), o = NULL;
    return o;
}

static json_t *kernel_obj(const struct mach *m, const struct sb_kinfo *k)
{
    json_t *o = json_object(), *by = json_array();
    int e = o == NULL || by == NULL;
    for (int b = 0; by != NULL && b < SB_NBANDS; b++)
        e |= sb_jappend(by, sb_jnum(sb_band_speed(&m->d, k->name, b)));
    e |= sb_jset(o, SBK_NAME, sb_jstr(k->name));
    e |= sb_jset(o, SBK_KIND, sb_jstr(k->kind));
    e |= sb_jset(o, SBK_SAFE, json_boolean(k->safe));
    e |= sb_jset(o, SBK_MEASURED, json_boolean(k->ran));
    e |= sb_jset(o, SBK_MAX_ULP, sb_jnum(k->max_ulp));
    e |= sb_jset(o, SBK_MAX_SUM_ERR, sb_jnum(k->max_sum));
    e |= sb_jset(o, SBK_WORST_RATIO, sb_jnum(k->worst_ratio));
    e |= sb_jset(o, SBK_VERIFY_ROWS, json_integer(k->nverify));
    e |= sb_jset(o, SBK_VERIFY_FAIL, json_integer(k->verify_fail));
    e |= sb_jset(o, SBK_EDGE_CASES, json_integer(k->edge_total));
    e |= sb_jset(o, SBK_EDGE_FAIL, json_integer(k->edge_fail));
    e |= sb_jset(o, SBK_NS_BY_BAND, by); /* takes by, NULL or not */
    if (e && o != NULL)
        json_decref(o), o = NULL;
    return o;
}

static json_t *machine_obj(const struct mach *m, size_t i)
{
    json_t *o = json_object(), *rec = json_array(), *ks = json_array(), *in = json_object();
    int e = o == NULL || rec == NULL || ks == NULL || in == NULL;
    char prefix[32];
    snprintf(prefix, sizeof prefix, "m%zu-", i + 1);
    for (int b = 0; rec != NULL && b < SB_NBANDS; b++)
        for (int g = 0; g < 2; g++)
            e |= sb_jappend(rec, rec_obj(&m->rec[b][g], b, g));
    for (size_t k = 0; ks != NULL && k < m->d.nk; k++)
        e |= sb_jappend(ks, kernel_obj(m, &m->d.k[k]));
    for (int d = 0; in != NULL && d < NDOC; d++)
        if (m->doc[d] != NULL) /* the document as read: a report rebuilt from it is the same */
            e |= sb_jset(in, sb_rep_doc_names[d], json_incref(m->doc[d]));
    e |= sb_jset(o, SBK_CPU, sb_jstr(m->cpu));
    e |= sb_jset(o, SBK_ISA, sb_jstr(m->isa));
    e |= sb_jset(o, SBK_PREFIX, sb_jstr(prefix));
    e |= sb_jset(o, SBK_RECOMMENDATION, rec);
    e |= sb_jset(o, SBK_KERNELS, ks);
    e |= sb_jset(o, SBK_INPUTS, in);
    if (e && o != NULL)
        json_decref(o), o = NULL;
    return o;
}

json_t *sb_rep_results(const struct report *r)
{
    time_t now = time(NULL);
    char date[32];
    strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
    json_t *doc = json_object(), *sb = json_object(), *bands = json_array(), *ms = json_array();
    int e = doc == NULL || bands == NULL || ms == NULL;
    e |= sb_jset(sb, SBK_COMMAND, sb_jstr(SBK_IN_REPORT));
    e |= sb_jset(sb, SBK_FORMAT, json_integer(1));
    for (int b = 0; bands != NULL && b < SB_NBANDS; b++) {
        json_t *o = json_object();
        e |= o == NULL;
        e |= sb_jset(o, SBK_NAME, sb_jstr(sb_bands[b].name));
        e |= sb_jset(o, SBK_LO, json_integer((json_int_t)sb_bands[b].lo));
        json_t *hi = sb_bands[b].hi == SIZE_MAX ? json_null()
                                                : json_integer((json_int_t)sb_bands[b].hi);
        e |= sb_jset(o, SBK_HI, hi); /* null: no upper end */
        e |= sb_jappend(bands, o);
    }
    for (size_t i = 0; ms != NULL && i < r->nm; i++)
        e |= sb_jappend(ms, machine_obj(&r->m[i], i));
    e |= sb_jset(doc, SBK_SOFTBENCH, sb);
    e |= sb_jset(doc, SBK_GENERATED, sb_jstr(date));
    e |= sb_jset(doc, SBK_ULP_BUDGET, sb_jnum(r->budget));
    e |= sb_jset(doc, SBK_BANDS, bands);
    e |= sb_jset(doc, SBK_MACHINES, ms);
    if (e && doc != NULL)
        json_decref(doc), doc = NULL;
    return doc;
}

void sb_rep_write_csvs(const struct report *r, FILE *vf, FILE *bf, FILE *ef, FILE *rf)
{
    fputs("cpu,isa,kernel,dataset,n,status,max_ulp,sum_err,worst_ratio\n", vf);
    fputs("cpu,isa,kernel,kind,n,ns_per_elem,min_ns_per_elem,max_ns_per_elem\n", bf);
    fputs("cpu,isa,case,kernel,status,detail\n", ef);
    fputs("cpu,isa,band,budget,kernel,peer,ns_per_elem,max_ulp,runner_up,runner_up_ns_per_elem,"
          "margin_pct\n",
          rf);
    for (size_t i = 0; i < r->nm; i++) {
        const struct mach *m = &r->m[i];
        for (size_t j = 0; j < m->d.nv; j++) {
            const struct sb_vrow *v = &m->d.v[j];
            sb_csv_str(vf, m->cpu);
            fprintf(vf, ",%s,%s,", m->isa, v->kernel);
            sb_csv_str(vf, v->dataset); /* a user's file name may hold quotes or commas */
            fprintf(vf, ",%zu,%s,%g,%g,%g\n", v->n, v->status, v->ulp, v->sum_err, v->ratio);
        }
        for (size_t j = 0; j < m->d.nb; j++) {
            const struct sb_brow *b = &m->d.b[j];
            sb_csv_str(bf, m->cpu);
            fprintf(bf, ",%s,%s,%s,%zu,%.6g,%.6g,%.6g\n", m->isa, b->kernel, b->kind, b->n, b->ns,
                    b->lo, b->hi);
        }
        for (size_t c = 0; c < m->nec; c++)
            for (size_t k = 0; k < m->nek; k++) {
                sb_csv_str(ef, m->cpu);
                fprintf(ef, ",%s,%s,%s,%s,", m->isa, m->ec[c].name, m->ek[k], m->ec[c].status[k]);
                sb_csv_str(ef, m->ec[c].detail[k]);
                fputc('\n', ef);
            }
        for (int b = 0; b < SB_NBANDS; b++)
            for (int g = 0; g < 2; g++) {
                const struct sb_rec *c = &m->rec[b][g];
                sb_csv_str(rf, m->cpu);
                fprintf(rf, ",%s,%s,%s,%s,%s,%g,%g,%s,%g,%g\n", m->isa, sb_bands[b].name,
                        sb_budget_names[g], c->k ? c->k->name : "",
                        c->k && strcmp(c->k->kind, "peer") == 0 ? "yes" : "no", c->ns, c->ulp,
                        c->second ? c->second->name : "", c->second_ns, sb_margin_pct(c));
            }
    }
}
