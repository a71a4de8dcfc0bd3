/* json.h - a small JSON reader for the files softbench reads back: hyperfine
 * exports and its own results. The whole document becomes a tree. */
#ifndef SB_JSON_H
#define SB_JSON_H

#include <stddef.h>
#include <stdio.h>

enum sb_jtype { SB_JNULL, SB_JBOOL, SB_JNUM, SB_JSTR, SB_JARR, SB_JOBJ };

struct sb_jnode {
    enum sb_jtype type;
    double num;              /* JNUM, JBOOL (0 or 1) */
    char *str;               /* JSTR; the key, for members of an object */
    char *key;
    struct sb_jnode *child;  /* JARR, JOBJ: first element */
    struct sb_jnode *next;   /* next sibling */
};

/* Parses text; NULL with a message (and the byte offset) in err on error. */
struct sb_jnode *sb_json_parse(const char *text, char *err, size_t errlen);
/* Reads and parses a file. */
struct sb_jnode *sb_json_load(const char *path, char *err, size_t errlen);
void sb_json_free(struct sb_jnode *n);

/* Member of an object by key, or NULL. */
const struct sb_jnode *sb_json_get(const struct sb_jnode *obj, const char *key);
/* A number member (a JNUM, or a numeric string such as "inf"); def if absent. */
double sb_json_num_of(const struct sb_jnode *obj, const char *key, double def);
/* A string member, or NULL. */
const char *sb_json_str_of(const struct sb_jnode *obj, const char *key);

/* Writes the tree back as JSON (non-finite numbers as strings, as softbench
 * writes them), nested lines indented from indent. */
void sb_json_write(FILE *f, const struct sb_jnode *n, int indent);

#endif
