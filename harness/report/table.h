/* table.h - a table declared once, its columns then its rows of cells,
 * written as HTML or as Markdown; and the paragraphs around it.
 *
 * Text is the report's own or names it has checked (plain kernel names, a
 * CPU name without < > & " |): the HTML back end writes it as it is, the
 * Markdown one escapes | so that a cell stays one cell. */
#ifndef SB_TABLE_H
#define SB_TABLE_H

#include <stdio.h>

enum sb_tab_fmt { SB_HTML, SB_MD };

struct sb_tab {
    FILE *f;
    enum sb_tab_fmt fmt;
    int ncols, in_row; /* columns declared; 0 header, 1 a row open */
};

/* cls: the HTML table's class, or NULL. */
void sb_tab_begin(struct sb_tab *t, FILE *f, enum sb_tab_fmt fmt, const char *cls);
void sb_tab_col(struct sb_tab *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* n columns named by names. */
void sb_tab_cols(struct sb_tab *t, const char *const *names, int n);
/* A new row; attrs (HTML only, NULL for none) go into its <tr>. */
void sb_tab_row(struct sb_tab *t, const char *attrs);
/* cls: the HTML cell's class, or NULL. */
void sb_tab_cell(struct sb_tab *t, const char *cls, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void sb_tab_end(struct sb_tab *t);

/* A paragraph of text that may hold anything (a file name): escaped. */
void sb_para_text(FILE *f, enum sb_tab_fmt fmt, const char *text);
/* Our note after a table: written as it is. */
void sb_para_note(FILE *f, enum sb_tab_fmt fmt, const char *text);

void sb_html_esc(FILE *f, const char *s);
void sb_md_esc(FILE *f, const char *s); /* a | would split a cell */

#endif
