/* Preranked GSEA kernels: enrichment scores and the nested gene-set permutation null (the
 * cumulative null, which scores the same draws from quantised weights, is gsea_cumulative.c).
 *
 * Called through ctypes from mamsets/engines/_gsea_kernel.py, which documents the API and checks
 * every argument. All arrays are C-contiguous; ``out`` matrices may be column slices of larger
 * ones, so they come with their row stride (in doubles).
 *
 * The ranking has n genes sorted by decreasing score, w[j] = |score_j|^weight, and a gene set is
 * the strictly increasing 0-based positions pos[0..k) of its k members (1 <= k < n).
 *
 * Enrichment score (Subramanian et al. 2005; fgsea's calcGseaStat). With N_R = sum_i w[pos[i]],
 * the running sum just after hit i (0-based) is
 *     T_i = sum_{j<=i} w[pos[j]] / N_R  -  (pos[i] - i) / (n - k)
 * and just before it B_i = T_i - w[pos[i]] / N_R. Between hits the sum only falls, so its extremes
 * are max_i T_i and min_i B_i, and ES is the one of larger absolute value (0 on an exact tie).
 * When N_R = 0 every hit steps 1/k. O(k) per set instead of O(n).
 */
#include <math.h>
#include <stdlib.h>

#include "gsea_kernel.h"

/* ---------------------------------------------------------------------------- lowest set bit */
static const int64_t DEBRUIJN_TABLE[64] = {
     0,  1, 48,  2, 57, 49, 28,  3, 61, 58, 50, 42, 38, 29, 17,  4,
    62, 55, 59, 36, 53, 51, 43, 22, 45, 39, 33, 30, 24, 18, 12,  5,
    63, 47, 56, 27, 60, 41, 37, 16, 54, 35, 52, 21, 44, 32, 23, 11,
    46, 26, 40, 15, 34, 20, 31, 10, 25, 14, 19,  9, 13,  8,  7,  6};

/* x & -x keeps the lowest set bit 2^b; multiplying the de Bruijn constant 0x03F79D71B4CB0A89 by
 * 2^b shifts it left by b, and its top 6 bits are distinct for every b: the table maps them
 * back to b. Exported for the tests; kernels use tz64(). */
int64_t mamsets_lowest_bit_debruijn(uint64_t x) {
    uint64_t low = x & (~x + 1u);
    return DEBRUIJN_TABLE[(low * UINT64_C(0x03F79D71B4CB0A89)) >> 58];
}

/* tz64() as the kernels see it (the CPU instruction where available), exported for the tests. */
int64_t mamsets_lowest_bit(uint64_t x) { return tz64(x); }

/* ---------------------------------------------------------------------------- enrichment score */
/* ES of the sorted positions pos with total weight nr (summed over pos in order), and, when peak
 * is not NULL, the index (into pos) of the hit where it is reached (-1 on a tie). The loop keeps
 * the largest T_i and the smallest B_i; rounding of the summed steps is clipped to |ES| <= 1.
 * The observed scores and the nested null share it, so a random set equal to an observed one
 * gets a bit-identical score. */
static inline double es_scan(const double *w, const int64_t *pos, int64_t k, int64_t n, double nr,
                             int64_t *peak) {
    double miss_step = 1.0 / (double)(n - k);
    double top_max = -INFINITY, bottom_min = INFINITY, cum = 0.0;
    int64_t top_arg = 0, bottom_arg = 0;
    if (nr == 0.0) { /* all member weights 0: every hit steps 1/k (fgsea's convention) */
        for (int64_t i = 0; i < k; i++) {
            double top = (double)(i + 1) / (double)k - (double)(pos[i] - i) * miss_step;
            double bottom = top - 1.0 / (double)k;
            if (top > top_max) { top_max = top; top_arg = i; }
            if (bottom < bottom_min) { bottom_min = bottom; bottom_arg = i; }
        }
    } else {
        for (int64_t i = 0; i < k; i++) {
            double step = w[pos[i]] / nr;
            cum += step;
            double top = cum - (double)(pos[i] - i) * miss_step;
            double bottom = top - step;
            if (top > top_max) { top_max = top; top_arg = i; }
            if (bottom < bottom_min) { bottom_min = bottom; bottom_arg = i; }
        }
    }
    top_max = py_min(top_max, 1.0);
    bottom_min = py_max(bottom_min, -1.0);
    int64_t arg = -1;
    double es = 0.0;
    if (top_max > -bottom_min) { arg = top_arg; es = top_max; }
    else if (top_max < -bottom_min) { arg = bottom_arg; es = bottom_min; }
    if (peak) *peak = arg;
    return es;
}

static double es_core(const double *w, const int64_t *pos, int64_t k, int64_t n, int64_t *peak) {
    double nr = 0.0;
    for (int64_t i = 0; i < k; i++) nr += w[pos[i]];
    return es_scan(w, pos, k, n, nr, peak);
}

/* ES only, given nr summed over pos in order: the inner loop of the nulls. */
double mamsets_es_value(const double *w, const int64_t *pos, int64_t k, int64_t n, double nr) {
    return es_scan(w, pos, k, n, nr, NULL);
}

/* ES and peak of n_sets sets; set s is flat[offsets[s] .. offsets[s + 1]). */
void mamsets_gsea_es_batch(const double *w, int64_t n, const int64_t *flat, const int64_t *offsets,
                           int64_t n_sets, double *es, int64_t *peak) {
    for (int64_t s = 0; s < n_sets; s++)
        es[s] = es_core(w, flat + offsets[s], offsets[s + 1] - offsets[s], n, peak + s);
}

/* ---------------------------------------------------------------------------- nested null */
/* Random ES of nested random sets, as fgsea draws them.
 *
 * For each sample j, distinct genes are drawn uniformly one after another: position
 * floor(u * n) from u = next_double(state) (numpy's Generator.random(), so the caller's
 * Generator advances exactly as if it had drawn these doubles itself), repeats rejected. The
 * random set of size sizes[si] is the first sizes[si] genes drawn, a uniform random subset for
 * every size; the draws are shared by all sizes (O(max size) draws per sample).
 *
 * The drawn genes are kept in a two-level bitset: bit p of bits[] marks position p, bit b of
 * summary[] marks a non-zero word b of bits[]. Reading the set bits in order lists the drawn
 * positions sorted, without a sort, in O(k + n / 4096); N_R is summed in that order. After a
 * sample only the touched words are cleared.
 *
 * out[si * out_stride + j] receives the ES of size sizes[si] (strictly increasing, < n) in
 * sample j. Returns 0, or -1 when scratch memory cannot be allocated. */
int64_t mamsets_gsea_null_nested(const double *w, int64_t n, const int64_t *sizes, int64_t n_sizes,
                                 int64_t n_samples, void *state, double (*next_double)(void *),
                                 double *out, int64_t out_stride) {
    int64_t kmax = sizes[n_sizes - 1];
    int64_t n_words = (n + 63) >> 6;
    int64_t n_summary = (n_words + 63) >> 6;
    uint64_t *bits = calloc((size_t)n_words, sizeof(uint64_t));
    uint64_t *summary = calloc((size_t)n_summary, sizeof(uint64_t));
    int64_t *drawn = malloc((size_t)kmax * sizeof(int64_t));
    int64_t *pos = malloc((size_t)kmax * sizeof(int64_t));
    if (!bits || !summary || !drawn || !pos) {
        free(bits); free(summary); free(drawn); free(pos);
        return -1;
    }
    for (int64_t j = 0; j < n_samples; j++) {
        int64_t c = 0;
        for (int64_t si = 0; si < n_sizes; si++) {
            int64_t target = sizes[si];
            while (c < target) {
                int64_t p = draw_new(bits, n, next_double, state);
                summary[p >> 12] |= UINT64_C(1) << ((p >> 6) & 63);
                drawn[c++] = p;
            }
            int64_t t = 0;
            double nr = 0.0;
            for (int64_t sw = 0; sw < n_summary; sw++) {
                for (uint64_t y = summary[sw]; y; y &= y - 1) {
                    int64_t word = (sw << 6) + tz64(y);
                    int64_t base = word << 6;
                    for (uint64_t x = bits[word]; x; x &= x - 1) {
                        int64_t q = base + tz64(x);
                        pos[t++] = q;
                        nr += w[q];
                    }
                }
            }
            out[si * out_stride + j] = mamsets_es_value(w, pos, target, n, nr);
        }
        for (int64_t i = 0; i < kmax; i++) {
            bits[drawn[i] >> 6] = 0;
            summary[drawn[i] >> 12] = 0;
        }
    }
    free(bits); free(summary); free(drawn); free(pos);
    return 0;
}
