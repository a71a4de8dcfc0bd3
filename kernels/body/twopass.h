/* body/twopass.h - the two-pass algorithm of Dukhan and Ablavatski over the
 * vector layer: included by avx2/twopass.c and avx512/twopass.c. See
 * avx512/twopass.c for the bound's derivation and the edges. */

#define WP_BLOCK (32 * SBV_W) /* 8 terms per lane per block */
#define WP_STEP (4 * SBV_W)
#define WP_NT_MIN (1u << 20)  /* elements: 4 MB of output */

/* Adds p * 2^n into the lane pair (M, E). */
static inline void wp_acc(sbv *M, sbv *E, sbv p, sbv n)
{
    sbv e = sbv_max(*E, n);
    *M = sbv_add(sbv_ldexp(*M, sbv_sub(*E, e)), sbv_ldexp(p, sbv_sub(n, e)));
    *E = e;
}

/* x * t clamped below at A_LO; *bad collects NaN lanes and lanes above A_HI. */
static inline sbv wp_arg(sbv v, sbv t, int *bad)
{
    sbv a = sbv_mul(v, t);
    *bad |= sbv_above_or_nan(a, sbv_set1(SB_TWOPASS_A_HI));
    return sbv_max(a, sbv_set1(SB_TWOPASS_A_LO));
}

/* y = p / M * 2^(k - E) for one vector of x. */
static inline sbv wp_out(sbv v, sbv t, sbv inv, sbv vE, int *bad)
{
    sbv k, p = sbv_exp_split(wp_arg(v, t, bad), &k);
    return sbv_ldexp(sbv_mul(p, inv), sbv_sub(k, vE));
}

static int sbv_twopass(const float *x, float *y, size_t n, float T)
{
    int st = sb_check_args(x, y, n, T);
    if (st != SOFTMAX_OK || n == 0)
        return st;
    if (isinf(T)) {
        sb_edge(x, y, n, T);
        return SOFTMAX_OK;
    }
    float tf = 1.0f / T;
    if (isinf(tf)) {
        sb_scalar_threepass(x, y, n, T);
        return SOFTMAX_OK;
    }
    const sbv vt = sbv_set1(tf), lowest = sbv_set1(-1e30f);
    sbv k;
    int bad = 0;
    struct sb_cascade c = {.count = 0};
    size_t i;
    for (size_t b = 0; b < n; b += WP_BLOCK) {
        size_t end = n - b < WP_BLOCK ? n : b + WP_BLOCK;
        sbv M0 = sbv_zero(), M1 = M0, M2 = M0, M3 = M0;
        sbv E0 = lowest, E1 = lowest, E2 = lowest, E3 = lowest;
        for (i = b; i + WP_STEP <= end; i += WP_STEP) {
            sbv p0 = sbv_exp_split(wp_arg(sbv_loadu(x + i), vt, &bad), &k);
            wp_acc(&M0, &E0, p0, k);
            sbv p1 = sbv_exp_split(wp_arg(sbv_loadu(x + i + SBV_W), vt, &bad), &k);
            wp_acc(&M1, &E1, p1, k);
            sbv p2 = sbv_exp_split(wp_arg(sbv_loadu(x + i + 2 * SBV_W), vt, &bad), &k);
            wp_acc(&M2, &E2, p2, k);
            sbv p3 = sbv_exp_split(wp_arg(sbv_loadu(x + i + 3 * SBV_W), vt, &bad), &k);
            wp_acc(&M3, &E3, p3, k);
        }
        for (; i < end; i += SBV_W) {
            sbv p = sbv_exp_split(wp_arg(sbv_load_tail(x + i, end - i, -INFINITY), vt, &bad), &k);
            wp_acc(&M0, &E0, sbv_keep(p, end - i, 0.0f), sbv_keep(k, end - i, -1e30f));
        }
        wp_acc(&M0, &E0, M1, E1);
        wp_acc(&M2, &E2, M3, E3);
        wp_acc(&M0, &E0, M2, E2);
        float e = sbv_hmax(E0);
        float s = sbv_hadd(sbv_ldexp(M0, sbv_sub(E0, sbv_set1(e))));
        sb_cascade_push(&c, (struct sb_part){s, e}, sb_merge_pow2, T);
    }
    struct sb_part tot = sb_cascade_total(&c, sb_merge_pow2, T, (struct sb_part){0.0f, 0.0f});
    if (bad || !(tot.m >= (float)SB_TWOPASS_K_LO) || !isfinite(tot.s)) {
        sb_scalar_threepass(x, y, n, T);
        return SOFTMAX_OK;
    }

    const sbv vE = sbv_set1(tot.m), inv = sbv_set1(1.0f / tot.s);
    i = 0;
    if (n >= WP_NT_MIN) { /* streaming stores from a vector boundary of y on */
        const size_t align = SBV_W * sizeof(float);
        size_t head = ((align - ((uintptr_t)y & (align - 1))) & (align - 1)) / sizeof(float);
        if (head > 0)
            sbv_store_tail(y, head, wp_out(sbv_load_tail(x, head, 0.0f), vt, inv, vE, &bad));
        for (i = head; i + WP_STEP <= n; i += WP_STEP)
            for (int j = 0; j < 4; j++)
                sbv_stream(y + i + j * SBV_W, wp_out(sbv_loadu(x + i + j * SBV_W), vt, inv, vE, &bad));
        _mm_sfence();
    } else {
        for (; i + WP_STEP <= n; i += WP_STEP)
            for (int j = 0; j < 4; j++)
                sbv_storeu(y + i + j * SBV_W, wp_out(sbv_loadu(x + i + j * SBV_W), vt, inv, vE, &bad));
    }
    for (; i < n; i += SBV_W)
        sbv_store_tail(y + i, n - i, wp_out(sbv_load_tail(x + i, n - i, 0.0f), vt, inv, vE, &bad));
    return SOFTMAX_OK;
}
