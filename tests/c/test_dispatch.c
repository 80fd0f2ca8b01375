/* The dispatcher as the extension uses it, without Python: every level this build has and
 * this CPU runs gives, for every kernel in the list, results within one ULP of the baseline
 * level's, in the kernel's grade (a float64 ULP, or a float32 one for the float32-input
 * kernels): WCE_MADD rounds once on the FMA levels and twice in baseline.  Built with each
 * level's flags by tests/c/run.sh, and by .ci/run's MinGW-w64 stage to run under Wine. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "_dispatch.h"
#include "wce_c/wce.h"

enum { N = 4099 };

static double ulps(double a, double b, int f32)
{
    if (a == b || (a != a && b != b)) return 0;
    double scale = f32 ? (double)nextafterf((float)fabs(a), INFINITY) - fabs((float)a)
                       : nextafter(fabs(a), INFINITY) - fabs(a);
    return fabs(a - b) / scale;
}

int main(void)
{
    static double z64[N], x64[N], w64[N], q64[3] = {0.5, 2.0, 7.0};
    static float z32[N], x32[N], w32[N], q32[3] = {0.5f, 2.0f, 7.0f};
    static double ref64[2][N], out64[2][N];
    static float ref32[2][N], out32[2][N];
    int failures = 0, levels = 0;
    for (int i = 0; i < N; i++) {
        double t = -60.0 + 120.0 * i / (N - 1);
        x64[i] = t, x32[i] = (float)t;
        z64[i] = (i % 3) / 2.0, z32[i] = (float)z64[i];
        w64[i] = 0.25 + (i % 7), w32[i] = (float)w64[i];
    }
    const wce_kernel_table *base = wce_simd_table(0);
    for (int level = 0; level <= 2; level++) {
        const wce_kernel_table *t = wce_simd_table(level);
        if (t == NULL) continue;
        levels++;
        double worst = 0;
        for (int k = 0; k < WCE_KERNEL_COUNT; k++) {
            const wce_kernel_info *info = &wce_kernel_infos[k];
            int in32 = info->types[1] == '3';   /* "f32", "f32_in_f64" */
            int out32_ = strcmp(info->types, "f64") != 0 && strcmp(info->types, "f32_in_f64") != 0;
            const void *z = in32 ? (const void *)z32 : (const void *)z64;
            const void *x = in32 ? (const void *)x32 : (const void *)x64;
            const void *q = in32 ? (const void *)q32 : (const void *)q64;
            const void *w = in32 ? (const void *)w32 : (const void *)w64;
            void *o1 = out32_ ? (void *)out32[0] : (void *)out64[0];
            void *o2 = out32_ ? (void *)out32[1] : (void *)out64[1];
            void *r1 = out32_ ? (void *)ref32[0] : (void *)ref64[0];
            void *r2 = out32_ ? (void *)ref32[1] : (void *)ref64[1];
            base->kernel[k](0, N, z, x, q, 3, w, N, r1, r2);
            t->kernel[k](0, N, z, x, q, 3, w, N, o1, o2);
            for (int j = 0; j < info->outputs; j++)
                for (int i = 0; i < N; i++) {
                    double a = out32_ ? (double)(j ? out32[1][i] : out32[0][i])
                                      : (j ? out64[1][i] : out64[0][i]);
                    double b = out32_ ? (double)(j ? ref32[1][i] : ref32[0][i])
                                      : (j ? ref64[1][i] : ref64[0][i]);
                    /* float32-input kernels are float32-grade, also the one with float64
                     * results (the per-element terms of float32 sums, to about 2^-31) */
                    double u = ulps(a, b, in32);
                    if (u > worst) worst = u;
                    if (u > 1) {
                        if (failures++ < 5)
                            printf("FAIL %s %s_%s[%d] output %d: %.17g vs baseline %.17g\n",
                                   t->name, info->quantity, info->types, i, j, a, b);
                    }
                }
        }
        /* one block of at most WCE_SUM_BLOCK elements, as the contract of the block sums asks */
        double s = t->block_sum_f64(0, WCE_SUM_BLOCK, z64, x64, q64, 3, w64, N);
        double s0 = base->block_sum_f64(0, WCE_SUM_BLOCK, z64, x64, q64, 3, w64, N);
        if (ulps(s, s0, 0) > 1) {
            printf("FAIL %s block sum %.17g vs baseline %.17g\n", t->name, s, s0);
            failures++;
        }
        printf("level %s: %d kernels, worst %.2f ULP from baseline, block sum %.17g "
               "(baseline %.17g)\n", t->name, WCE_KERNEL_COUNT, worst, s, s0);
    }
    if (levels == 0) {
        printf("FAIL no level is supported\n");
        return 1;
    }
    return failures ? 1 : 0;
}
