/* pool.c - the library's thread pool: created once by the caller
 * (softmax_pool_create), reused by every batched and split call, so no call
 * pays for thread creation. A job is a count of tasks and a function; the
 * workers and the calling thread take tasks from a shared counter until
 * none are left, and the call returns when every task has run. Which
 * thread runs a task never changes what the task computes, so results do
 * not depend on the thread count. Calls on one pool from several threads
 * are serialized. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "internal.h"

struct softmax_pool {
    unsigned threads; /* the caller included */
    pthread_t *tid;
    pthread_mutex_t run;  /* one job at a time */
    pthread_mutex_t mu;
    pthread_cond_t go, done;
    unsigned long gen;    /* the job's number: a worker runs each job once */
    unsigned busy;        /* workers still on the job */
    int stop;
    void (*fn)(void *arg, size_t task);
    void *arg;
    size_t tasks;
    atomic_size_t next;
};

static void take_tasks(struct softmax_pool *p)
{
    for (size_t t; (t = atomic_fetch_add(&p->next, 1)) < p->tasks;)
        p->fn(p->arg, t);
}

static void *worker(void *arg)
{
    struct softmax_pool *p = arg;
    unsigned long seen = 0;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (p->gen == seen && !p->stop)
            pthread_cond_wait(&p->go, &p->mu);
        if (p->stop)
            break;
        seen = p->gen;
        pthread_mutex_unlock(&p->mu);
        take_tasks(p);
        pthread_mutex_lock(&p->mu);
        if (--p->busy == 0)
            pthread_cond_signal(&p->done);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

struct softmax_pool *softmax_pool_create(unsigned threads)
{
    if (threads < 1 || threads > SOFTMAX_POOL_MAX)
        return NULL;
    struct softmax_pool *p = calloc(1, sizeof *p);
    if (p == NULL)
        return NULL;
    p->threads = threads;
    p->tid = calloc(threads, sizeof *p->tid);
    if (p->tid == NULL) {
        free(p);
        return NULL;
    }
    pthread_mutex_init(&p->run, NULL);
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->go, NULL);
    pthread_cond_init(&p->done, NULL);
    atomic_init(&p->next, 0);
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
    pthread_mutex_lock(&p->mu);
    p->stop = 1;
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
    if (p == NULL || p->threads == 1 || tasks <= 1) {
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
    p->busy = p->threads - 1;
    p->gen++;
    pthread_cond_broadcast(&p->go);
    pthread_mutex_unlock(&p->mu);
    take_tasks(p);
    pthread_mutex_lock(&p->mu);
    while (p->busy > 0)
        pthread_cond_wait(&p->done, &p->mu);
    pthread_mutex_unlock(&p->mu);
    pthread_mutex_unlock(&p->run);
}
