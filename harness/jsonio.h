/* jsonio.h - JSON through jansson, as softbench reads and writes it.
 *
 * Non-finite numbers, which JSON lacks, are the strings "inf", "-inf" and
 * "nan" both ways. Readers go through a struct sb_jr, which keeps the first
 * error: a required member that is missing or of the wrong type is an error
 * naming its key, never a silent default; an optional member is absent only
 * in files of an older format (the caller says which). Key names are in
 * keys.h, shared by the writers and the readers. */
#ifndef SB_JSONIO_H
#define SB_JSONIO_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

/* Reads a file: NULL, with "PATH: line L, column C: what" in err, if it is
 * not one JSON document. Duplicate keys are refused. */
json_t *sb_jload(const char *path, char *err, size_t errlen);
/* The same for len bytes of text (tests, fuzzing); name is used in err. */
json_t *sb_jparse(const char *text, size_t len, const char *name, char *err, size_t errlen);

/* A number: a JSON number, or one of the strings for a non-finite value.
 * 0 and the value in *out, or -1 if v is neither. */
int sb_jvalue_num(const json_t *v, double *out);

struct sb_jr {
    const char *file; /* named in messages */
    char err[256];    /* the first error, "" while there is none */
};
static inline int sb_jr_ok(const struct sb_jr *r) { return r->err[0] == '\0'; }
/* Records an error (only the first is kept). */
void sb_jr_fail(struct sb_jr *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Required members of obj (an object; NULL counts as one with no members,
 * so a failed lookup above gives one error, not a crash). On error: the
 * first error recorded, and NAN, NULL, 0. */
double sb_jr_num(struct sb_jr *r, const json_t *obj, const char *key);
/* A whole number in [0, max]. */
size_t sb_jr_size(struct sb_jr *r, const json_t *obj, const char *key, size_t max);
int sb_jr_bool(struct sb_jr *r, const json_t *obj, const char *key);
const char *sb_jr_str(struct sb_jr *r, const json_t *obj, const char *key);
json_t *sb_jr_arr(struct sb_jr *r, const json_t *obj, const char *key);
json_t *sb_jr_obj(struct sb_jr *r, const json_t *obj, const char *key);
/* Optional members: def (or NULL) when absent; present with the wrong type
 * is still an error. */
double sb_jr_num_opt(struct sb_jr *r, const json_t *obj, const char *key, double def);
int sb_jr_bool_opt(struct sb_jr *r, const json_t *obj, const char *key, int def);
const char *sb_jr_str_opt(struct sb_jr *r, const json_t *obj, const char *key);
json_t *sb_jr_arr_opt(struct sb_jr *r, const json_t *obj, const char *key);
json_t *sb_jr_obj_opt(struct sb_jr *r, const json_t *obj, const char *key);

/* Writing. sb_jnum: a real, or the string of a non-finite value. sb_jstr:
 * a string (NULL writes null). sb_jset: obj[key] = v, taking v; -1 when v is
 * NULL (an allocation failed) or the set fails, so a builder can OR the
 * results and check once. */
json_t *sb_jnum(double v);
/* A number spelled by fmt ("%.4g", "%.1f"), as the value that spelling
 * reads back as: figures whose further digits are noise, or that files have
 * always held rounded, keep being written rounded. Non-finite: v. */
double sb_spelled(const char *fmt, double v);
json_t *sb_jstr(const char *s);
int sb_jset(json_t *obj, const char *key, json_t *v);
int sb_jappend(json_t *arr, json_t *v);
/* The end of a builder: v, or NULL (v released) when bad. */
json_t *sb_jdone(json_t *v, int bad);
/* The document, indented by two, numbers to 17 significant digits (every
 * double reads back the same), and a newline; -1 on a write error. */
int sb_jwrite(FILE *f, const json_t *doc);

#endif
