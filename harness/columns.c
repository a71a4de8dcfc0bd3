/* columns.c - see columns.h. */
#include "columns.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "cli.h"
#include "jsonio.h"

struct sb_val sb_col_value(const struct sb_col *c, const void *row)
{
    if (c->get != NULL)
        return c->get(row);
    const char *p = (const char *)row + c->off;
    switch (c->kind) {
    case SB_COL_NUM: return (struct sb_val){.num = *(const double *)p};
    case SB_COL_INT: return (struct sb_val){.i = *(const size_t *)p};
    case SB_COL_BOOL: return (struct sb_val){.i = *(const int *)p != 0};
    case SB_COL_STR: break;
    }
    return (struct sb_val){.s = *(const char *const *)p};
}

/* Whether column c is in format `in` at this pass (0: in table order, 1:
 * the ones put last). */
static int at_pass(const struct sb_col *c, unsigned in, unsigned last, int pass)
{
    return (c->in & in) && !!(c->in & last) == pass;
}

void sb_col_text(const struct sb_col *c, const void *row, char *buf, size_t len)
{
    char v[256];
    struct sb_val x = c->text == NULL ? sb_col_value(c, row) : (struct sb_val){0};
    if (c->text != NULL)
        c->text(row, v, sizeof v);
    else if (c->kind == SB_COL_NUM && isnan(x.num))
        snprintf(v, sizeof v, "nan");
    else if (c->kind == SB_COL_NUM && isinf(x.num))
        snprintf(v, sizeof v, "inf");
    else if (c->kind == SB_COL_NUM)
        snprintf(v, sizeof v, c->tfmt, x.num);
    else if (c->kind == SB_COL_STR)
        snprintf(v, sizeof v, "%s", x.s);
    else if (c->kind == SB_COL_BOOL)
        snprintf(v, sizeof v, "%s", x.i ? "true" : "false");
    else
        snprintf(v, sizeof v, "%llu", x.i);
    snprintf(buf, len, c->cell, v);
}

static void text_line(FILE *f, const struct sb_col *cols, size_t nc, const void *row)
{
    int first = 1;
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < nc; i++) {
            const struct sb_col *c = &cols[i];
            if (!at_pass(c, SB_IN_TEXT, SB_TEXT_LAST, pass) || (row == NULL && !*c->head))
                continue;
            char cell[512];
            if (row == NULL)
                snprintf(cell, sizeof cell, c->cell, c->head);
            else
                sb_col_text(c, row, cell, sizeof cell);
            fprintf(f, "%s%s", first ? "" : " ", cell);
            first = 0;
        }
    fputc('\n', f);
}

void sb_cols_text_head(FILE *f, const struct sb_col *cols, size_t nc)
{
    text_line(f, cols, nc, NULL);
}

void sb_cols_text_row(FILE *f, const struct sb_col *cols, size_t nc, const void *row)
{
    text_line(f, cols, nc, row);
}

void sb_cols_csv_head(FILE *f, const struct sb_col *cols, size_t nc)
{
    int first = 1;
    for (size_t i = 0; i < nc; i++)
        if (cols[i].in & SB_IN_CSV) {
            fprintf(f, "%s%s", first ? "" : ",", cols[i].key);
            first = 0;
        }
    fputc('\n', f);
}

void sb_cols_csv_row(FILE *f, const struct sb_col *cols, size_t nc, const void *row)
{
    int first = 1;
    for (size_t i = 0; i < nc; i++) {
        const struct sb_col *c = &cols[i];
        if (!(c->in & SB_IN_CSV))
            continue;
        fputs(first ? "" : ",", f);
        first = 0;
        struct sb_val v = sb_col_value(c, row);
        if (c->kind == SB_COL_NUM)
            fprintf(f, c->cfmt, v.num);
        else if (c->kind == SB_COL_STR && (c->in & SB_CSV_QUOTED))
            sb_csv_str(f, v.s);
        else if (c->kind == SB_COL_STR)
            fputs(v.s, f);
        else if (c->kind == SB_COL_BOOL)
            fprintf(f, "%d", (int)v.i);
        else
            fprintf(f, "%llu", v.i);
    }
    fputc('\n', f);
}

static json_t *json_value(const struct sb_col *c, const void *row)
{
    if (c->json != NULL)
        return c->json(row);
    struct sb_val v = sb_col_value(c, row);
    switch (c->kind) {
    case SB_COL_NUM: return sb_jnum(c->jfmt != NULL ? sb_spelled(c->jfmt, v.num) : v.num);
    case SB_COL_INT: return sb_juint(v.i);
    case SB_COL_BOOL: return json_boolean(v.i);
    case SB_COL_STR: break;
    }
    return sb_jstr(v.s);
}

json_t *sb_cols_json_row(const struct sb_col *cols, size_t nc, const void *row)
{
    json_t *o = json_object();
    int bad = o == NULL;
    for (int pass = 0; pass < 2 && !bad; pass++)
        for (size_t i = 0; i < nc && !bad; i++)
            if (at_pass(&cols[i], SB_IN_JSON, SB_JSON_LAST, pass))
                bad = sb_jset(o, cols[i].key, json_value(&cols[i], row)) != 0;
    if (bad)
        json_decref(o);
    return bad ? NULL : o;
}

json_t *sb_juint(unsigned long long v)
{
    return v <= INT64_MAX ? json_integer((json_int_t)v) : json_real((double)v);
}
