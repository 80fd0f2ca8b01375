/*
 * wce_c/sum.h -- the sum reduction of the loss: pairwise within fixed blocks, a fixed
 * tree over the blocks.
 */
#ifndef WCE_C_SUM_H
#define WCE_C_SUM_H

#include "config.h"
#include "kernels.h"

WCE_BEGIN_DECLS

/* Elements per block of the sum reduction.  The block boundaries are fixed in absolute
 * indices, so a sum is bitwise the same however the blocks are shared between threads. */
#define WCE_SUM_BLOCK 4096

/* ---------------------------------------------------------------------------------------
 * Sum reduction: pairwise within fixed blocks of WCE_SUM_BLOCK elements, then the block
 * sums combined by a binary-counter tree, all in double.  The block boundaries are fixed in
 * absolute indices and the tree depends only on the number of blocks, so the same bits come
 * out whichever thread computed which block.  Error: O(log n) roundings, not O(n).
 * ------------------------------------------------------------------------------------- */

/* Pairwise sum of n doubles: eight interleaved partial sums below 128 elements, halving
 * above.  The shape of NumPy's pairwise sum, but not its bits everywhere: its partial sums
 * start from the first elements (so a sum of -0.0 stays -0.0), these from +0.0 (a sum of
 * -0.0 elements is +0.0), and otherwise add the same numbers in the same order. */
static WCE_NOINLINE double wce_pairwise_sum(const double *v, int64_t n)
{
    if (n <= 128) {
        /* r[j] = 0 + v[j] + v[j + 8] + ... equals v[j] + v[j + 8] + ... (but for the sign of
         * a zero sum), and for n < 8 the sum is 0 + v[0] + v[1] + ...: one loop serves both
         * leaves. */
        double r[8] = {0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0};
        double s;
        int64_t i = 0;
        int j;
        for (; i + 8 <= n; i += 8)
            for (j = 0; j < 8; ++j) r[j] += v[i + j];
        s = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for (; i < n; ++i) s += v[i];
        return s;
    }
    {
        const int64_t half = (n / 2) - ((n / 2) % 8);
        return wce_pairwise_sum(v, half) + wce_pairwise_sum(v + half, n - half);
    }
}

/* Streaming tree over block sums: push b_0, b_1, ... in order; the k-th push merges the
 * stack as the binary carries of k do.  64 levels hold 2^64 blocks. */
typedef struct {
    double level[64];
    int top;
    uint64_t count;
} wce_sum_tree;

WCE_INLINE void wce_sum_tree_init(wce_sum_tree *t) { t->top = 0; t->count = 0; }

WCE_INLINE void wce_sum_tree_push(wce_sum_tree *t, double v)
{
    uint64_t k = t->count;
    while (k & 1u) {
        v = t->level[--t->top] + v;
        k >>= 1;
    }
    t->level[t->top++] = v;
    t->count += 1;
}

WCE_INLINE double wce_sum_tree_result(const wce_sum_tree *t)
{
    double s = 0.0;
    int j;
    if (t->top == 0) return 0.0;
    s = t->level[t->top - 1];
    for (j = t->top - 2; j >= 0; --j) s = t->level[j] + s;
    return s;
}

/* Sum of the loss over one block [start, stop), stop - start <= WCE_SUM_BLOCK, in double:
 * RANGE (a kernel's _range form with double output) fills a block buffer, summed pairwise. */
#define WCE_DEFINE_BLOCK_SUM(NAME, RANGE, T)                                                 \
    WCE_INLINE double NAME(int64_t start, int64_t stop, const T *z, const T *x,           \
                              const T *q, int64_t q_len, const T *w, int64_t w_len)          \
    {                                                                                        \
        double buf[WCE_SUM_BLOCK];                                                           \
        RANGE(start, stop, z, x, q, q_len, w, w_len, buf);                                   \
        return wce_pairwise_sum(buf, stop - start);                                          \
    }

WCE_DEFINE_BLOCK_SUM(wce_loss_block_sum_f64, wce_loss_f64_range, double)
/* float32 inputs: the float32 kernel's loss before its rounding to float */
WCE_DEFINE_BLOCK_SUM(wce_loss_block_sum_f32, wce_loss_f32_in_f64_range, float)

/* Whole-array sums, serial; bitwise equal to any parallel split of the same blocks. */
#define WCE_DEFINE_LOSS_SUM(NAME, BLOCK_SUM, T)                                              \
    WCE_INLINE double NAME(int64_t n, const T *z, const T *x, const T *q, int64_t q_len,  \
                              const T *w, int64_t w_len)                                     \
    {                                                                                        \
        wce_sum_tree t;                                                                      \
        int64_t b;                                                                           \
        wce_sum_tree_init(&t);                                                               \
        for (b = 0; b < n; b += WCE_SUM_BLOCK) {                                             \
            const int64_t e = (n - b < WCE_SUM_BLOCK) ? n : b + WCE_SUM_BLOCK;               \
            wce_sum_tree_push(&t, BLOCK_SUM(b, e, z, x, q, q_len, w, w_len));                \
        }                                                                                    \
        return wce_sum_tree_result(&t);                                                      \
    }

WCE_DEFINE_LOSS_SUM(wce_loss_sum_f64, wce_loss_block_sum_f64, double)
WCE_DEFINE_LOSS_SUM(wce_loss_sum_f32, wce_loss_block_sum_f32, float)

WCE_END_DECLS

#endif /* WCE_C_SUM_H */
