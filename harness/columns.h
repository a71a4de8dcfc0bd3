/* columns.h - a command's output columns, each described once: its key (the
 * CSV header and the JSON member, from keys.h), its text header and cell,
 * the spelling of its number in each format, and how to get its value from
 * a row. The text table, the CSV and the JSON rows are all drawn from one
 * such table (docs/columns.md). */
#ifndef SB_COLUMNS_H
#define SB_COLUMNS_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

enum sb_col_kind { SB_COL_NUM, SB_COL_INT, SB_COL_STR, SB_COL_BOOL };

/* A value: num for a number, i for an integer or a bool (0 or 1), s for a
 * string. */
struct sb_val {
    double num;
    unsigned long long i;
    const char *s;
};

/* Where a column shows, and the exceptions to table order. */
enum {
    SB_IN_TEXT = 1,
    SB_IN_CSV = 2,
    SB_IN_JSON = 4,
    SB_IN_DATA = SB_IN_CSV | SB_IN_JSON,
    SB_IN_ALL = SB_IN_TEXT | SB_IN_DATA,
    SB_TEXT_LAST = 8,   /* in the text table after the columns without it */
    SB_JSON_LAST = 16,  /* in a JSON row after the members without it */
    SB_CSV_QUOTED = 32, /* a string quoted in CSV: it may hold commas */
};

struct sb_col {
    const char *key; /* CSV header and JSON key; NULL for a text-only column */
    enum sb_col_kind kind;
    unsigned in;      /* SB_IN_* and the flags above */
    const char *head; /* text header; "" prints none (a last column only) */
    const char *cell; /* the text cell's printf format for one string */
    const char *tfmt; /* a number's text spelling (inf and nan as such) */
    const char *cfmt; /* a number's CSV spelling */
    const char *jfmt; /* NULL: JSON holds the value; else the value as spelled by this */
    size_t off;       /* the value's place in the row, where get is NULL */
    struct sb_val (*get)(const void *row);
    void (*text)(const void *row, char *buf, size_t len); /* a cell that is not tfmt's */
    json_t *(*json)(const void *row);                     /* a JSON value of no kind here */
};

/* The offset of field f of row type T, refused at compile time unless f has
 * type C (double for a number, size_t for an integer, int for a bool,
 * const char * for a string): the table cannot misread a field. */
#define SB_AT(T, f, C) (offsetof(T, f) + 0 * sizeof(_Generic(((T *)0)->f, C : 1)))

struct sb_val sb_col_value(const struct sb_col *c, const void *row);

/* The text table's header line and a row's line. */
void sb_cols_text_head(FILE *f, const struct sb_col *cols, size_t nc);
void sb_cols_text_row(FILE *f, const struct sb_col *cols, size_t nc, const void *row);
/* One text cell (the column's cell format applied). */
void sb_col_text(const struct sb_col *c, const void *row, char *buf, size_t len);
/* The CSV header line and a row's line. */
void sb_cols_csv_head(FILE *f, const struct sb_col *cols, size_t nc);
void sb_cols_csv_row(FILE *f, const struct sb_col *cols, size_t nc, const void *row);
/* A row as a JSON object; NULL if memory ran out. */
json_t *sb_cols_json_row(const struct sb_col *cols, size_t nc, const void *row);

/* An unsigned integer as JSON: an integer, or past JSON's (jansson's) 63
 * bits a real. */
json_t *sb_juint(unsigned long long v);

#endif
