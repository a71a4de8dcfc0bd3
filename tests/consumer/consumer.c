/* consumer.c - a program that uses the installed library as a user would
 * (tests/install.sh builds it with pkg-config, static and shared): the
 * dispatcher, a kernel by name, a batch on a pool, and the version macros.
 * Prints what it computed; exit 1 on any wrong answer. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <softmax.h>

int main(void)
{
    float x[5] = {1.0f, 2.0f, 3.0f, -INFINITY, 2.0f}, y[5];
    if (softmax(x, y, 5, 1.0f) != SOFTMAX_OK)
        return 1;
    float s = 0;
    for (int i = 0; i < 5; i++)
        s += y[i];
    /* exp(1)/(e^1 + 2 e^2 + e^3): the max's share, and the masked entry */
    double want = exp(3.0) / (exp(1.0) + 2 * exp(2.0) + exp(3.0));
    if (fabs(y[2] - want) > 1e-6 || y[3] != 0.0f || fabsf(s - 1.0f) > 1e-6f || y[1] != y[4])
        return 1;
    const struct softmax_kernel *k = softmax_kernel_find("scalar.threepass");
    float z[5];
    if (k == NULL || softmax_run(k, x, z, 5, 2.0f) != SOFTMAX_OK || !(z[2] > z[1]))
        return 1;
    if (softmax_run(k, x, z, 5, -1.0f) != SOFTMAX_EINVAL_T ||
        strcmp(softmax_strerror(SOFTMAX_EINVAL_T), "temperature must be > 0 and not NaN") != 0)
        return 1;
    struct softmax_pool *pool = softmax_pool_create(2);
    float rows[4][5], out[4][5];
    for (int r = 0; r < 4; r++)
        for (int c = 0; c < 5; c++)
            rows[r][c] = (float)(r * c);
    int st = softmax_batch(NULL, &rows[0][0], 5, &out[0][0], 5, 4, 5, 1.0f, pool);
    softmax_pool_destroy(pool);
    if (pool == NULL || st != SOFTMAX_OK || out[0][0] != out[0][4] ||
        fabsf(out[0][0] - 0.2f) > 1e-7f)
        return 1;
    printf("softmax %d.%d.%d (%d): %s, %zu kernels, y[2] = %.6f\n", SOFTMAX_VERSION_MAJOR,
           SOFTMAX_VERSION_MINOR, SOFTMAX_VERSION_PATCH, SOFTMAX_VERSION_NUMBER,
           softmax_isa_name(softmax_isa_available()), softmax_kernel_count(), (double)y[2]);
    return 0;
}
