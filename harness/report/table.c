/* table.c - see table.h. */
#include "table.h"

#include <stdarg.h>
#include <stdlib.h>

void sb_html_esc(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*s, f);
        }
    }
}

void sb_md_esc(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == '|')
            fputs("\\|", f);
        else if (*s != '\n')
            fputc(*s, f);
    }
}

/* The text of a cell or a heading, in the back end's form. */
static void put(struct sb_tab *t, const char *fmt, va_list ap)
{
    if (t->fmt == SB_HTML) {
        vfprintf(t->f, fmt, ap);
        return;
    }
    char buf[256], *s = buf;
    va_list aq;
    va_copy(aq, ap);
    int len = vsnprintf(buf, sizeof buf, fmt, ap);
    if (len >= (int)sizeof buf && (s = malloc((size_t)len + 1)) != NULL)
        vsnprintf(s, (size_t)len + 1, fmt, aq);
    va_end(aq);
    sb_md_esc(t->f, s != NULL ? s : buf);
    if (s != buf)
        free(s);
}

void sb_tab_begin(struct sb_tab *t, FILE *f, enum sb_tab_fmt fmt, const char *cls)
{
    *t = (struct sb_tab){.f = f, .fmt = fmt};
    if (fmt == SB_MD)
        fputc('|', f);
    else if (cls != NULL)
        fprintf(f, "<table class=\"%s\"><tr>", cls);
    else
        fputs("<table><tr>", f);
}

void sb_tab_col(struct sb_tab *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs(t->fmt == SB_MD ? " " : "<th>", t->f);
    put(t, fmt, ap);
    fputs(t->fmt == SB_MD ? " |" : "</th>", t->f);
    va_end(ap);
    t->ncols++;
}

void sb_tab_cols(struct sb_tab *t, const char *const *names, int n)
{
    for (int i = 0; i < n; i++)
        sb_tab_col(t, "%s", names[i]);
}

/* Closes the header or the row open. */
static void close_row(struct sb_tab *t)
{
    if (t->fmt == SB_HTML) {
        fputs("</tr>\n", t->f);
    } else if (!t->in_row) {
        fputs("\n|", t->f);
        for (int i = 0; i < t->ncols; i++)
            fputs("---|", t->f);
        fputc('\n', t->f);
    } else {
        fputc('\n', t->f);
    }
}

void sb_tab_row(struct sb_tab *t, const char *attrs)
{
    close_row(t);
    t->in_row = 1;
    if (t->fmt == SB_MD)
        fputc('|', t->f);
    else if (attrs != NULL)
        fprintf(t->f, "<tr %s>", attrs);
    else
        fputs("<tr>", t->f);
}

void sb_tab_cell(struct sb_tab *t, const char *cls, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (t->fmt == SB_MD)
        fputc(' ', t->f);
    else if (cls != NULL)
        fprintf(t->f, "<td class=\"%s\">", cls);
    else
        fputs("<td>", t->f);
    put(t, fmt, ap);
    fputs(t->fmt == SB_MD ? " |" : "</td>", t->f);
    va_end(ap);
}

void sb_tab_end(struct sb_tab *t)
{
    close_row(t);
    if (t->fmt == SB_HTML)
        fputs("</table>\n", t->f);
}

void sb_para_text(FILE *f, enum sb_tab_fmt fmt, const char *text)
{
    if (fmt == SB_HTML) {
        fputs("<p>", f);
        sb_html_esc(f, text);
        fputs("</p>\n", f);
    } else {
        sb_md_esc(f, text);
        fputs("\n\n", f);
    }
}

void sb_para_note(FILE *f, enum sb_tab_fmt fmt, const char *text)
{
    fprintf(f, fmt == SB_HTML ? "<p>%s</p>\n" : "\n%s\n\n", text);
}
