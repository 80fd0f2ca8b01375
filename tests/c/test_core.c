/*
 * Direct tests of the C core (include/wce_c/wce.h), without Python: special values, the
 * accuracy of the float32-grade exponentials and of the float64 log1p, the periodic
 * pos_weight and sample weight, the fused kernels against the single ones, the hard-label
 * forms (the loss's against the general one bit for bit, the gradient's and hessian's against
 * long double), the kernels' patch of mixed blocks, the sum against its serial definition, and
 * 64-bit indices past 2^31 (on a sparse memory mapping whose untouched pages cost nothing).
 * Built and run by tests/c/run.sh, also under AddressSanitizer and UndefinedBehaviorSanitizer.
 * Exit status 0 when every check passes.
 */
#define _DEFAULT_SOURCE
#include "wce_c/wce.h"

#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _WIN32
#include <windows.h>
#else
#include <sys/mman.h>
#endif

static int failures = 0;
static int checks = 0;

#define CHECK(cond, ...)                                                                     \
    do {                                                                                     \
        ++checks;                                                                            \
        if (!(cond)) {                                                                       \
            ++failures;                                                                      \
            fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);                             \
            fprintf(stderr, __VA_ARGS__);                                                    \
            fputc('\n', stderr);                                                             \
        }                                                                                    \
    } while (0)

static int same(double a, double b) { return (a == b) || (isnan(a) && isnan(b)); }

static void test_special_values(void)
{
    const double inf = INFINITY, nan_ = NAN;
    double z[] = {0, 1, 0, 1, 0, 1, 0.5, 1, nan_};
    double x[] = {-inf, inf, inf, -inf, 0.0, -0.0, 0.0, nan_, 1.0};
    double q = 3.0, loss[9], grad[9], hess[9];
    const double l2 = 0.69314718055994530942;
    double want_loss[] = {0, 0, inf, inf, l2, 3 * l2, 2 * l2, nan_, nan_};
    double want_grad[] = {0, 0, 1, -3, 0.5, -1.5, -0.5, nan_, nan_};
    double want_hess[] = {0, 0, 0, 0, 0.25, 0.75, 0.5, nan_, nan_};
    int i;
    wce_loss_f64(0, 9, z, x, &q, 1, NULL, 0, loss);
    wce_gradient_hessian_f64(0, 9, z, x, &q, 1, NULL, 0, grad, hess);
    for (i = 0; i < 9; ++i) {
        CHECK(same(loss[i], want_loss[i]), "loss[%d] = %.17g, want %.17g", i, loss[i], want_loss[i]);
        CHECK(same(grad[i], want_grad[i]), "grad[%d] = %.17g, want %.17g", i, grad[i], want_grad[i]);
        CHECK(same(hess[i], want_hess[i]), "hess[%d] = %.17g, want %.17g", i, hess[i], want_hess[i]);
    }
    {   /* the tails keep their digits: loss(z=0, x=-40) = log1p(e^-40) */
        float zf = 0.0f, xf = -40.0f, qf = 1.0f, out;
        wce_loss_f32(0, 1, &zf, &xf, &qf, 1, NULL, 0, &out);
        CHECK(out == (float)4.248354255291589e-18, "float32 tail loss %.9g", out);
    }
}

/* The float32-grade and 2^-50 exponentials and the float64 pair against long double's expl:
 * relative error below the bounds their comments state, over a dense sweep of [0, 708] (the
 * pair: [0, 512], its result bitwise wce_exp_minus_f64_normal's) and the points where the
 * reduction switches k; e^0 exactly 1, 0 beyond 708, NaN kept. */
static void test_exponentials(void)
{
    const double ln2 = 0.69314718055994530942;
    double worst_single = 0.0, worst_fine = 0.0, worst_delta = 0.0, worst_pair = 0.0;
    int i, k, pair_bits = 1;
    for (i = 0; i <= 2000000; ++i) {
        const double a = 708.0 * i / 2000000.0;
        const long double ref = expl(-(long double)a);
        const double s = wce_exp_minus_f32(a), f = wce_exp_minus_f64_to_f32(a, 0.0);
        const double es = (double)fabsl((s - ref) / ref), ef = (double)fabsl((f - ref) / ref);
        if (es > worst_single) worst_single = es;
        if (ef > worst_fine) worst_fine = ef;
    }
    for (k = 1; k <= 1021; ++k) { /* either side of (k + 1/2) ln2, where k changes */
        const double mid = (k + 0.5) * ln2;
        const double pts[2] = {nextafter(mid, 0.0), nextafter(mid, 1e9)};
        for (i = 0; i < 2; ++i) {
            const long double ref = expl(-(long double)pts[i]);
            const double s = wce_exp_minus_f32(pts[i]), f = wce_exp_minus_f64_to_f32(pts[i], 0.0);
            const double es = (double)fabsl((s - ref) / ref), ef = (double)fabsl((f - ref) / ref);
            if (pts[i] <= 708.0 && es > worst_single) worst_single = es;
            if (pts[i] <= 708.0 && ef > worst_fine) worst_fine = ef;
        }
    }
    for (i = 1; i <= 1000; ++i) { /* the correction delta joins the reduced argument */
        const double a = 0.7 * i, delta = 1.25e-14;
        const long double ref = expl(-((long double)a + (long double)delta));
        const double f = wce_exp_minus_f64_to_f32(a, delta);
        const double ef = (double)fabsl((f - ref) / ref);
        if (a <= 708.0 && ef > worst_delta) worst_delta = ef;
    }
    for (i = 0; i <= 2000000; ++i) { /* the float64 pair, 0 <= a <= 512: its own grid */
        const double a = 512.0 * (i + 0.382) / 2000000.0;
        double lo;
        const double hi = wce_exp_minus_f64_pair(a, &lo);
        const long double ref = expl(-(long double)a);
        const double ep = (double)fabsl(((long double)hi + (long double)lo - ref) / ref);
        if (ep > worst_pair) worst_pair = ep;
        if (!(hi == wce_exp_minus_f64_normal(a))) pair_bits = 0;
    }
    CHECK(pair_bits, "wce_exp_minus_f64_pair's result differs from wce_exp_minus_f64_normal");
    if (LDBL_MANT_DIG >= 64)
        CHECK(worst_pair < 0x1.6a09e667f3bcdp-55, /* 2^-54.5 */
              "wce_exp_minus_f64_pair: relative error %.3g", worst_pair);
    CHECK(worst_single < 0x1p-33, "wce_exp_minus_f32: relative error %.3g", worst_single);
    if (LDBL_MANT_DIG >= 64) { /* long double must be finer than double to judge 2^-50 */
        CHECK(worst_fine < 0x1p-50, "wce_exp_minus_f64_to_f32: relative error %.3g", worst_fine);
        CHECK(worst_delta < 0x1p-50, "wce_exp_minus_f64_to_f32 with delta: %.3g", worst_delta);
    }
    CHECK(wce_exp_minus_f32(0.0) == 1.0 && wce_exp_minus_f64_to_f32(0.0, 0.0) == 1.0,
          "e^0 is not exactly 1");
    CHECK(wce_exp_minus_f32(708.5) == 0.0 && wce_exp_minus_f64_to_f32(1e300, 0.0) == 0.0 &&
              wce_exp_minus_f32(INFINITY) == 0.0,
          "e^-a beyond 708 is not 0");
    CHECK(isnan(wce_exp_minus_f32(NAN)) && isnan(wce_exp_minus_f64_to_f32(NAN, 0.0)),
          "NaN not kept");
    printf("exponentials: worst relative error 2^%.2f (float32 grade), 2^%.2f (fine), "
           "2^%.2f (fine, with delta), 2^%.2f (float64 pair)\n",
           log2(worst_single), log2(worst_fine), log2(worst_delta), log2(worst_pair));
}

/* wce_log1p_f64's pair against long double, in ULP of the result: on an even grid of
 * [0, 1], near 1 (x near 0) and over binades down to 2^-80; log 2 correctly rounded. */
static void test_log1p_pair(void)
{
    double worst = 0.0, at = 0.0, lo;
    int i;
    for (i = 0; i <= 600000; ++i) {
        const int part = i % 3;
        const double u = (double)(i / 3) / 200000.0;
        const double e = part == 0 ? u : part == 1 ? 1.0 - ldexp(u, -(i % 40))
                                                   : ldexp(1.0 + u, -(i % 80) - 1);
        const double m = wce_log1p_f64(e, &lo);
        const long double ref = log1pl((long double)e);
        if (ref > 0) {
            const long double ulp = ldexpl(1.0L, ilogbl(ref) - 52);
            const double err = (double)fabsl(((long double)m + (long double)lo - ref) / ulp);
            if (err > worst) worst = err, at = e;
        }
    }
    if (LDBL_MANT_DIG >= 64)
        CHECK(worst < 0.5, "wce_log1p_f64: pair %.3f ULP off at e = %a", worst, at);
    CHECK(wce_log1p_f64(1.0, &lo) == 0.69314718055994530942 && wce_log1p_f64(0.0, &lo) == 0.0 &&
              isnan(wce_log1p_f64(NAN, &lo)),
          "wce_log1p_f64 at 1, 0 or NaN");
    printf("log1p: the float64 pair within %.3f ULP\n", worst);
}


static void test_periodic_equals_full(void)
{
    enum { ROWS = 37, K = 5, N = ROWS * K };
    double z[N], x[N], qv[K], wv[K], qf[N], wf[N], a[N], b[N], a2[N], b2[N];
    int i;
    srand(7);
    for (i = 0; i < N; ++i) {
        x[i] = ((double)rand() / RAND_MAX - 0.5) * 60;
        z[i] = (rand() % 3) / 2.0;
    }
    for (i = 0; i < K; ++i) {
        qv[i] = 0.5 + i;
        wv[i] = 2.0 - 0.3 * i;
    }
    for (i = 0; i < N; ++i) {
        qf[i] = qv[i % K];
        wf[i] = wv[i % K];
    }
    /* in pieces that cut through the periods, as threads would */
    wce_gradient_f64(0, 13, z, x, qv, K, wv, K, a);
    wce_gradient_f64(13, 101, z, x, qv, K, wv, K, a);
    wce_gradient_f64(101, N, z, x, qv, K, wv, K, a);
    wce_gradient_f64(0, N, z, x, qf, N, wf, N, b);
    CHECK(memcmp(a, b, sizeof a) == 0, "periodic gradient differs from full");
    wce_loss_gradient_f64(0, N, z, x, qv, K, wv, K, a2, b2);
    wce_loss_f64(0, N, z, x, qf, N, wf, N, a);
    CHECK(memcmp(a, a2, sizeof a) == 0, "fused loss differs from single");
    CHECK(memcmp(b, b2, sizeof b) == 0, "fused gradient differs from single");
    {
        double s1 = wce_loss_sum_f64(N, z, x, qv, K, wv, K);
        double s2 = wce_pairwise_sum(a, N);  /* N < WCE_SUM_BLOCK: one block */
        CHECK(s1 == s2, "sum %.17g != pairwise of elements %.17g", s1, s2);
    }
}

/* The hard-label twins (elem_f64.h) wherever wce_is_hard_f64 admits an element: the loss's
 * gives the general function's bits; the gradient's and hessian's are within their stated
 * bounds of long double's values (1.86 and 3.9 ULP), the fused pairs bitwise the single
 * functions.  The kernels give every admitted element the twin's bits, in a mixed block
 * too: an array of 0/1 labels gives the same bits with a soft label in every block. */
static int same_bits(double a, double b) { return memcmp(&a, &b, sizeof a) == 0; }

/* |got - ref| in ULP of ref as a double (subnormal ULP below 2^-1022). */
static double ulps(double got, long double ref)
{
    const int ex = ref == 0 ? -1074 : ilogbl(ref) - 52;
    return (double)(fabsl((long double)got - ref) / ldexpl(1.0L, ex < -1074 ? -1074 : ex));
}

static double next_logit(uint64_t *state)
{
    /* sign, a binade from 2^-40 to 2^9 and a significand, from a 64-bit LCG */
    *state = *state * 6364136223846793005ull + 1442695040888963407ull;
    {
        const uint64_t r = *state >> 11;
        const double frac = 1.0 + (double)(r & 0xfffff) / 1048576.0;
        const int binade = (int)((r >> 20) % 50) - 40;
        return ((r >> 40) & 1 ? -1.0 : 1.0) * ldexp(frac, binade);
    }
}

static void test_hard_labels(void)
{
    static const double specials[] = {0.0, -0.0, 0x1p-1074, -0x1p-1074, 1e-300, 0.5, -0.5,
                                      1.0, -1.0, 36.7, -36.7, 37.5, -37.5, 511.999, -511.999,
                                      512.0, -512.0, 512.5, 700.0, INFINITY, -INFINITY, NAN};
    static const double qs[] = {1.0, 2.0, 0.5, 10.0, 1e-300, 3e150, 0x1p500, 0x1p501, 0.0};
    static const double ws[] = {1.0, -1.5, 7.25, 1e-300, 1e-310, 0x1p500, -0x1p500, 0.0,
                                -0.0, 0x1p501};
    static const double zs[] = {0.0, 1.0, -0.0, 0.25};
    uint64_t state = 12345;
    int admitted = 0, mismatches = 0;
    double worst_g = 0.0, worst_h = 0.0;
    int i, iq, iw, iz;
    for (i = 0; i < 600; ++i) {
        const int ns = (int)(sizeof specials / sizeof specials[0]);
        const double x = i < ns ? specials[i] : next_logit(&state);
        for (iq = 0; iq < (int)(sizeof qs / sizeof qs[0]); ++iq)
            for (iw = 0; iw < (int)(sizeof ws / sizeof ws[0]); ++iw)
                for (iz = 0; iz < (int)(sizeof zs / sizeof zs[0]); ++iz) {
                    const double z = zs[iz], q = qs[iq], w = ws[iw];
                    if (wce_is_hard_f64(z, x, q, w)) {
                        double l1, g1, g2, h2;
                        const double g = wce_gradient_elem_f64_hard(z, x, q, w);
                        const double h = wce_hessian_elem_f64_hard(z, x, q, w);
                        /* sigma(x) for z = 0, -q sigma(-x) for z = 1; l sigma(x) sigma(-x) */
                        const long double sp = 1.0L / (1.0L + expl(-(long double)x));
                        const long double sm = 1.0L / (1.0L + expl((long double)x));
                        const long double l = z == 1.0 ? (long double)q : 1.0L;
                        ++admitted;
                        wce_loss_gradient_elem_f64_hard(z, x, q, w, &l1, &g1);
                        wce_gradient_hessian_elem_f64_hard(z, x, q, w, &g2, &h2);
                        mismatches +=
                            !same_bits(wce_loss_elem_f64_hard(z, x, q, w),
                                       wce_loss_elem_f64(z, x, q, w)) +
                            !same_bits(l1, wce_loss_elem_f64(z, x, q, w)) +
                            !same_bits(g1, g) + !same_bits(g2, g) + !same_bits(h2, h);
                        if (mismatches) {
                            CHECK(0, "hard f64 form differs at z=%g x=%a q=%a w=%a", z, x, q, w);
                            return;
                        }
                        if (fabs(w) >= 0x1p-900 && q >= 0x1p-900) { /* normal results */
                            const double eg = ulps(g, (long double)w * (z == 1.0 ? -l * sm : sp));
                            const double eh = ulps(h, (long double)w * l * sp * sm);
                            if (eg > worst_g) worst_g = eg;
                            if (eh > worst_h) worst_h = eh;
                        }
                    }
                }
    }
    CHECK(admitted > 50000, "only %d elements admitted to the hard-label forms", admitted);
    if (LDBL_MANT_DIG >= 64) {
        CHECK(worst_g < 1.86, "hard-label gradient %.3f ULP off", worst_g);
        CHECK(worst_h < 3.9, "hard-label hessian %.3f ULP off", worst_h);
    }
    printf("hard labels: %d elements, gradient within %.3f ULP, hessian within %.3f ULP\n",
           admitted, worst_g, worst_h);
    CHECK(!wce_is_hard_f64(0.25, 1.0, 1.0, 1.0) && !wce_is_hard_f64(1.0, 512.5, 1.0, 1.0) &&
              !wce_is_hard_f64(0.0, NAN, 1.0, 1.0) && !wce_is_hard_f64(1.0, 1.0, 0.0, 1.0) &&
              !wce_is_hard_f64(1.0, 1.0, 1.0, 0.0) && !wce_is_hard_f64(1.0, 1.0, 0x1p501, 1.0) &&
              wce_is_hard_f64(-0.0, -512.0, 0x1p500, -0x1p500),
          "wce_is_hard_f64 admits what it should not, or refuses what it should admit");
    {
        /* kernels: 0/1 labels alone, and with a soft label in every block */
        enum { N = 3 * WCE_BLOCK + 77 };
        static double z[N], x[N], w[N], a[N], b[N], a2[N], b2[N];
        const double q[3] = {2.0, 0.25, 9.0};
        int k;
        for (k = 0; k < N; ++k) {
            x[k] = next_logit(&state);
            z[k] = (double)(k % 3 == 0 || k % 7 == 0);
            w[k] = 0.5 + (double)(k % 5);
        }
        wce_loss_f64(0, N, z, x, q, 3, w, N, a);
        wce_gradient_hessian_f64(0, N, z, x, q, 3, w, N, a2, b2);
        for (k = 5; k < N; k += WCE_BLOCK / 2) z[k] = 0.5;
        wce_loss_f64(0, N, z, x, q, 3, w, N, b);
        for (k = 0; k < N; ++k)
            if (z[k] != 0.5 && !same_bits(a[k], b[k])) break;
        CHECK(k == N, "loss with a soft label in each block differs at %d", k);
        wce_gradient_hessian_f64(0, N, z, x, q, 3, w, N, a, b);
        for (k = 0; k < N; ++k)
            if (z[k] != 0.5 && !(same_bits(a[k], a2[k]) && same_bits(b[k], b2[k]))) break;
        CHECK(k == N, "gradient, hessian with a soft label in each block differ at %d", k);
    }
}


static void test_sum_blocks(void)
{
    enum { N = 3 * WCE_SUM_BLOCK + 17 };
    static float z[N], x[N];
    static double buf[N];
    float q = 2.0f;
    wce_sum_tree t;
    int64_t b;
    int i;
    for (i = 0; i < N; ++i) {
        x[i] = (float)((i % 101) - 50) * 0.37f;
        z[i] = (float)(i % 2);
    }
    wce_loss_f32_in_f64(0, N, z, x, &q, 1, NULL, 0, buf);
    wce_sum_tree_init(&t);
    for (b = 0; b < N; b += WCE_SUM_BLOCK) {
        const int64_t e = (N - b < WCE_SUM_BLOCK) ? N : b + WCE_SUM_BLOCK;
        wce_sum_tree_push(&t, wce_pairwise_sum(buf + b, e - b));
    }
    CHECK(wce_sum_tree_result(&t) == wce_loss_sum_f32(N, z, x, &q, 1, NULL, 0),
          "loss sum is not the tree of block sums");
}

/* A sparse mapping of `bytes`: reserved, its pages real only where touched (POSIX) or
 * committed (Windows, by commit() below).  NULL when the system refuses. */
static void *reserve(size_t bytes)
{
#ifdef _WIN32
    return VirtualAlloc(NULL, bytes, MEM_RESERVE, PAGE_READWRITE);
#else
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    return p == MAP_FAILED ? NULL : p;
#endif
}

static int commit(void *base, int64_t first, int64_t count, size_t size)
{
#ifdef _WIN32
    return VirtualAlloc((char *)base + first * (int64_t)size, (size_t)count * size, MEM_COMMIT,
                        PAGE_READWRITE) != NULL;
#else
    (void)base, (void)first, (void)count, (void)size;
    return 1;
#endif
}

static void release(void *p, size_t bytes)
{
    if (p == NULL) return;
#ifdef _WIN32
    (void)bytes;
    VirtualFree(p, 0, MEM_RELEASE);
#else
    munmap(p, bytes);
#endif
}

/* Indices past 2^31 and 2^32 on a sparse mapping: only the pages touched are real. */
static void test_64bit_indices(void)
{
    const int64_t n = ((int64_t)1 << 32) + 4096;
    const size_t bytes = (size_t)n * sizeof(float);
    float *x, *z, *out;
    if ((uint64_t)n * sizeof(float) > (uint64_t)SIZE_MAX) { /* 32-bit: no such address space */
        printf("skip: the 64-bit index test needs a 64-bit address space\n");
        return;
    }
    x = reserve(bytes);
    z = reserve(bytes);
    out = reserve(bytes);
    float q = 1.0f, w[3] = {1.0f, 2.0f, 4.0f};
    const int64_t starts[] = {((int64_t)1 << 31) - 8, ((int64_t)1 << 32) - 8, n - 64};
    int s;
    if (x == NULL || z == NULL || out == NULL) {
        printf("skip: cannot map %zu bytes for the 64-bit index test\n", bytes);
        release(x, bytes), release(z, bytes), release(out, bytes);
        return;
    }
    for (s = 0; s < 3; ++s) {
        const int64_t a = starts[s];
        int64_t i;
        if (!commit(x, a, 64, sizeof(float)) || !commit(z, a, 64, sizeof(float)) ||
            !commit(out, a, 64, sizeof(float))) {
            CHECK(0, "cannot commit the pages at index %lld", (long long)a);
            break;
        }
        for (i = a; i < a + 64; ++i) {
            x[i] = 0.0f;
            z[i] = 1.0f;
            out[i] = -1.0f;
        }
        wce_loss_f32(a, a + 32, z, x, &q, 1, w, 3, out);
        for (i = a; i < a + 64; ++i) {
            /* loss at x = 0, z = 1 is w log 2; past stop nothing is written */
            const float want = i < a + 32 ? (float)(w[i % 3] * 0.69314718055994530942) : -1.0f;
            CHECK(out[i] == want, "index %lld: %.9g, want %.9g", (long long)i, out[i], want);
        }
        /* the float32 kernels' double values are good to about 2^-31 (float32 grade) */
        CHECK(fabs(wce_loss_sum_f32(1, z + a, x + a, &q, 1, NULL, 0) - 0.69314718055994530942)
                  < 0x1p-31,
              "sum at offset %lld", (long long)a);
    }
    release(x, bytes);
    release(z, bytes);
    release(out, bytes);
}

int main(void)
{
    test_special_values();
    test_exponentials();
    test_log1p_pair();
    test_periodic_equals_full();
    test_hard_labels();
    test_sum_blocks();
    test_64bit_indices();
    printf("%d passed, %d failed\n", checks - failures, failures);
    return failures ? 1 : 0;
}
