/* replay_main.c - the fuzz targets as plain programs (make fuzz-replay):
 * calls LLVMFuzzerTestOneInput on every file of the directories given (a
 * missing one holds none) and prints "NAME: N inputs". A crash, a sanitizer
 * report or a failed check ends the program with the input's path on
 * stderr. */
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static char current[4096];

static void say_current(void)
{
    if (current[0] != '\0') {
        static const char pre[] = "fuzz-replay: the failing input: ";
        (void)!write(2, pre, sizeof pre - 1);
        (void)!write(2, current, strlen(current));
        (void)!write(2, "\n", 1);
    }
}

static void on_signal(int sig)
{
    say_current();
    signal(sig, SIG_DFL);
    raise(sig);
}

/* the sanitizers' runtimes call it before they end the program */
void __sanitizer_set_death_callback(void (*callback)(void)) __attribute__((weak));

static unsigned char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    size_t cap = 4096, len = 0;
    unsigned char *b = malloc(cap);
    while (b != NULL) {
        len += fread(b + len, 1, cap - len, f);
        if (len < cap)
            break;
        unsigned char *nb = realloc(b, cap *= 2);
        if (nb == NULL)
            free(b);
        b = nb;
    }
    fclose(f);
    *n = len;
    return b;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
    signal(SIGABRT, on_signal);
    signal(SIGSEGV, on_signal);
    signal(SIGFPE, on_signal);
    if (__sanitizer_set_death_callback != NULL)
        __sanitizer_set_death_callback(say_current);
    const char *name = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
    size_t count = 0;
    for (int a = 1; a < argc; a++) {
        DIR *d = opendir(argv[a]);
        if (d == NULL)
            continue;
        char **files = NULL;
        size_t nf = 0;
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            char path[4096];
            struct stat st;
            snprintf(path, sizeof path, "%s/%s", argv[a], e->d_name);
            if (e->d_name[0] == '.' || stat(path, &st) != 0 || !S_ISREG(st.st_mode))
                continue;
            char **nfiles = realloc(files, (nf + 1) * sizeof *files);
            if (nfiles == NULL || (nfiles[nf] = strdup(path)) == NULL) {
                fprintf(stderr, "%s: out of memory\n", name);
                return 1;
            }
            files = nfiles;
            nf++;
        }
        closedir(d);
        if (nf > 0)
            qsort(files, nf, sizeof *files, by_name);
        for (size_t i = 0; i < nf; i++) {
            size_t n = 0;
            unsigned char *buf = slurp(files[i], &n);
            if (buf == NULL) {
                fprintf(stderr, "%s: cannot read %s\n", name, files[i]);
                return 1;
            }
            snprintf(current, sizeof current, "%s", files[i]);
            LLVMFuzzerTestOneInput(buf, n);
            current[0] = '\0';
            free(buf);
            free(files[i]);
            count++;
        }
        free(files);
    }
    printf("fuzz-replay: %s: %zu inputs\n", name, count);
    return 0;
}
