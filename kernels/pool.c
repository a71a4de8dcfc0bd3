/* pool.c - the library's thread pool: created once by the caller
 * (softmax_pool_create), reused by every batched and split call, so no call
 * pays for thread creation. A job is a count of tasks and a function; the
 * workers and the calling thread take tasks from a shared counter until
 * none are left, and the call returns when every task has run. Which
 * thread runs a task never changes what the task computes, so results do
 * not depend on the thread count. Calls on one pool from several threads
 * are serialized. After fork the child has none of the workers (and maybe a
 * mutex some other thread held): a pool from before the fork runs its jobs
 * in the calling thread there, and destroying it only frees it. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "internal.h"

/* A pause in a polling loop: the x86 PAUSE hint, which spares the sibling
 * hyperthread and the memory system. */
static inline void sched_yield_hint(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

/* Bumped in the child at each fork (pthread_atfork, registered once): a
 * pool whose stamp differs was made in an ancestor process. */
static atomic_uint forks;
static pthread_once_t forks_once = PTHREAD_ONCE_INIT;
static void count_fork(void) { atomic_fetch_add(&forks, 1); }
static void watch_forks(void) { pthread_atfork(NULL, NULL, count_fork); }

struct softmax_pool {
    unsigned threads; /* the caller included */
    unsigned stamp;   /* forks when it was made */
    pthread_t *tid;
    pthread_mutex_t run; /* one job at a time */
    pthread_mutex_t mu;
    pthread_cond_t go, done;
    atomic_ulong gen;  /* the job's number: a worker runs each job once */
    atomic_uint busy;  /* workers still on the job */
    unsigned sleepers; /* workers waiting on go (under mu) */
    atomic_int stop;
    void (*fn)(void *arg, size_t task);
    void *arg;
    size_t tasks;
    atomic_size_t next;
};

/* A worker that has just finished polls for the next job this many times
 * before it sleeps: back-to-back calls (a model's layers, a benchmark's
 * loop) then start without a wake-up, which took tens of microseconds here;
 * 4000 PAUSEs are about 0.1 ms of a core. */
#define SPIN 4000

static void take_tasks(struct softmax_pool *p)
{
    for (size_t t; (t = atomic_fetch_add(&p->next, 1)) < p->tasks;)
        p->fn(p->arg, t);
}

static void *worker(void *arg)
{
    struct softmax_pool *p = arg;
    unsigned long seen = 0;
    for (;;) {
        for (int i = 0; i < SPIN && atomic_load(&p->gen) == seen && !atomic_load(&p->stop); i++)
            sched_yield_hint();
        if (atomic_load(&p->gen) == seen) {
            pthread_mutex_lock(&p->mu);
            p->sleepers++;
            while (atomic_load(&p->gen) == seen && !atomic_load(&p->stop))
                pthread_cond_wait(&p->go, &p->mu);
            p->sleepers--;
            int stop = atomic_load(&p->stop);
            pthread_mutex_unlock(&p->mu);
            if (stop)
                return NULL;
        }
        seen = atomic_load(&p->gen);
        take_tasks(p);
        if (atomic_fetch_sub(&p->busy, 1) == 1) {
            pthread_mutex_lock(&p->mu);
            pthread_cond_signal(&p->done);
            pthread_mutex_unlock(&p->mu);
        }
    }
}

struct softmax_pool *softmax_pool_create(unsigned threads)
{
    if (threads < 1 || threads > SOFTMAX_POOL_MAX)
        return NULL;
    struct softmax_pool *p = sb_calloc(1, sizeof *p);
    if (p == NULL)
        return NULL;
    pthread_once(&forks_once, watch_forks);
    p->threads = threads;
    p->stamp = atomic_load(&forks);
    p->tid = sb_calloc(threads, sizeof *p->tid);
    if (p->tid == NULL) {
        free(p);
        return NULL;
    }
    pthread_mutex_init(&p->run, NULL);
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->go, NULL);
    pthread_cond_init(&p->done, NULL);
    atomic_init(&p->next, 0);
    atomic_init(&p->gen, 0);
    atomic_init(&p->busy, 0);
    atomic_init(&p->stop, 0);
    for (unsigned i = 1; i < threads; i++)
        if (pthread_create(&p->tid[i], NULL, worker, p) != 0) {
            p->threads = i; /* the ones started are stopped and joined */
            softmax_pool_destroy(p);
            return NULL;
        }
    return p;
}

void softmax_pool_destroy(struct softmax_pool *p)
{
    if (p == NULL)
        return;
    if (p->stamp != atomic_load(&forks)) { /* no workers here to stop */
        free(p->tid);
        free(p);
        return;
    }
    pthread_mutex_lock(&p->mu);
    atomic_store(&p->stop, 1);
    pthread_cond_broadcast(&p->go);
    pthread_mutex_unlock(&p->mu);
    for (unsigned i = 1; i < p->threads; i++)
        pthread_join(p->tid[i], NULL);
    pthread_cond_destroy(&p->go);
    pthread_cond_destroy(&p->done);
    pthread_mutex_destroy(&p->mu);
    pthread_mutex_destroy(&p->run);
    free(p->tid);
    free(p);
}

unsigned softmax_pool_threads(const struct softmax_pool *p) { return p == NULL ? 1 : p->threads; }

void sb_pool_run(struct softmax_pool *p, size_t tasks, void (*fn)(void *, size_t), void *arg)
{
    if (p == NULL || p->threads == 1 || tasks <= 1 || p->stamp != atomic_load(&forks)) {
        for (size_t t = 0; t < tasks; t++)
            fn(arg, t);
        return;
    }
    pthread_mutex_lock(&p->run);
    pthread_mutex_lock(&p->mu);
    p->fn = fn;
    p->arg = arg;
    p->tasks = tasks;
    atomic_store(&p->next, 0);
    atomic_store(&p->busy, p->threads - 1);
    atomic_fetch_add(&p->gen, 1); /* publishes the job to spinning workers */
    if (p->sleepers > 0)
        pthread_cond_broadcast(&p->go);
    pthread_mutex_unlock(&p->mu);
    take_tasks(p);
    for (int i = 0; i < SPIN && atomic_load(&p->busy) > 0; i++)
        sched_yield_hint();
    if (atomic_load(&p->busy) > 0) {
        pthread_mutex_lock(&p->mu);
        while (atomic_load(&p->busy) > 0)
            pthread_cond_wait(&p->done, &p->mu);
        pthread_mutex_unlock(&p->mu);
    }
    pthread_mutex_unlock(&p->run);
}
