/* Preranked GSEA kernels: enrichment scores and the nested gene-set permutation null.
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
#include <string.h>

#include "gsea_kernel.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

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
/* ES and the index (into pos) of the hit where it is reached (-1 on a tie). The loop keeps the
 * largest T_i and the smallest B_i; rounding of the summed steps is clipped to |ES| <= 1. */
static double es_core(const double *w, const int64_t *pos, int64_t k, int64_t n, int64_t *peak) {
    double nr = 0.0;
    for (int64_t i = 0; i < k; i++) nr += w[pos[i]];
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
    if (top_max > -bottom_min) { *peak = top_arg; return top_max; }
    if (top_max < -bottom_min) { *peak = bottom_arg; return bottom_min; }
    *peak = -1;
    return 0.0;
}

/* ES only, given nr summed over pos in order: the inner loop of the nulls. The same arithmetic
 * as es_core, so a random set equal to an observed one gets a bit-identical score. */
double mamsets_es_value(const double *w, const int64_t *pos, int64_t k, int64_t n, double nr) {
    double miss_step = 1.0 / (double)(n - k);
    double top_max = -INFINITY, bottom_min = INFINITY;
    if (nr == 0.0) {
        for (int64_t i = 0; i < k; i++) {
            double top = (double)(i + 1) / (double)k - (double)(pos[i] - i) * miss_step;
            double bottom = top - 1.0 / (double)k;
            if (top > top_max) top_max = top;
            if (bottom < bottom_min) bottom_min = bottom;
        }
    } else {
        double cum = 0.0;
        for (int64_t i = 0; i < k; i++) {
            double step = w[pos[i]] / nr;
            cum += step;
            double top = cum - (double)(pos[i] - i) * miss_step;
            double bottom = top - step;
            if (top > top_max) top_max = top;
            if (bottom < bottom_min) bottom_min = bottom;
        }
    }
    top_max = py_min(top_max, 1.0);
    bottom_min = py_max(bottom_min, -1.0);
    if (top_max > -bottom_min) return top_max;
    if (top_max < -bottom_min) return bottom_min;
    return 0.0;
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
                int64_t p = (int64_t)(next_double(state) * (double)n);
                int64_t word = p >> 6;
                uint64_t bit = UINT64_C(1) << (p & 63);
                if (bits[word] & bit) continue;
                bits[word] |= bit;
                summary[word >> 6] |= UINT64_C(1) << (word & 63);
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

/* ---------------------------------------------------------------------------- cumulative null */
/* The permutation null of many sizes at O(k) vectorisable work per size instead of a rebuild.
 *
 * Weights are quantised first (_gsea_kernel.quantized_weights): wq[j] = rint(w[j] * 2^e) with
 * sum_j wq[j] < 2^53, so every partial sum of wq is an integer held exactly by a double and does
 * not depend on the order of the additions. For a set with sorted positions p_0 < ... < p_{k-1},
 * S_i = sum_{j<=i} wq[p_j] (S_{-1} = 0), m_i = p_i - i (misses before hit i), N_R = S_{k-1} and
 * lambda = N_R / (n - k), the running sum after hit i is (S_i - lambda m_i) / N_R and just before it
 * (S_{i-1} - lambda m_i) / N_R, so the "comparison ES" is
 *     top = max_i (S_i - lambda m_i) / N_R,  bottom = min_i (S_{i-1} - lambda m_i) / N_R,
 * the one of larger absolute value (0 on a tie; unit steps S_i = i + 1 when N_R = 0). It equals the
 * ES of es_core up to rounding (~1e-15 relative) and, because S and m are exact and max/min are
 * exact in any order, it is a function of the set alone: a random set equal to an observed one,
 * or with the same (S, m) profile, gets the same bits whatever order its members were drawn in.
 *
 * Nested random sets (as in mamsets_gsea_null_nested, the same draws from the same generator)
 * then grow one member at a time: a new member at sorted index t shifts the arrays right by one
 * after t, adds its weight to the S of every later member and takes one miss off their m; each
 * size is one pass over the k members (no sorting, no division in the loop). */

/* max_i (sx[i+1] - lambda m_i) and min_i (sx[i] - lambda m_i), four lanes each (SSE2, part of
 * every x86-64 CPU) so that the loop is not one long dependency chain; max and min are exact, so
 * the order does not change the result. */
static void cmp_extremes(const double *sx, const double *m, int64_t k, double lambda,
                         double *top, double *bottom) {
    int64_t i = 0;
#ifdef __SSE2__
    /* two pairs of lanes: maxpd/minpd are exact and no value here is NaN or -0 */
    __m128d lam = _mm_set1_pd(lambda);
    __m128d ta = _mm_set1_pd(-INFINITY), tb = ta, ba = _mm_set1_pd(INFINITY), bb = ba;
    for (; i + 4 <= k; i += 4) {
        __m128d la = _mm_mul_pd(lam, _mm_loadu_pd(m + i));
        __m128d lb = _mm_mul_pd(lam, _mm_loadu_pd(m + i + 2));
        ta = _mm_max_pd(ta, _mm_sub_pd(_mm_loadu_pd(sx + i + 1), la));
        tb = _mm_max_pd(tb, _mm_sub_pd(_mm_loadu_pd(sx + i + 3), lb));
        ba = _mm_min_pd(ba, _mm_sub_pd(_mm_loadu_pd(sx + i), la));
        bb = _mm_min_pd(bb, _mm_sub_pd(_mm_loadu_pd(sx + i + 2), lb));
    }
    double t4[2], b4[2];
    _mm_storeu_pd(t4, _mm_max_pd(ta, tb));
    _mm_storeu_pd(b4, _mm_min_pd(ba, bb));
    double t0 = py_max(t4[0], t4[1]), b0 = py_min(b4[0], b4[1]);
#else
    double t0 = -INFINITY, b0 = INFINITY;
#endif
    for (; i < k; i++) {
        double l = lambda * m[i];
        t0 = py_max(t0, sx[i + 1] - l);
        b0 = py_min(b0, sx[i] - l);
    }
    *top = t0;
    *bottom = b0;
}

/* The comparison ES of a set given sx[0..k] (sx[0] = 0, sx[i+1] = S_i) and m[0..k). */
static double cmp_value(const double *sx, const double *m, int64_t k, int64_t n) {
    double nr = sx[k], top, bottom;
    if (nr == 0.0) { /* all quantised member weights 0: hit i steps to i + 1 of k */
        double lambda = (double)k / (double)(n - k);
        top = -INFINITY;
        bottom = INFINITY;
        for (int64_t i = 0; i < k; i++) {
            double l = lambda * m[i];
            top = py_max(top, (double)(i + 1) - l);
            bottom = py_min(bottom, (double)i - l);
        }
        nr = (double)k;
    } else {
        cmp_extremes(sx, m, k, nr / (double)(n - k), &top, &bottom);
    }
    top = py_min(top / nr, 1.0);
    bottom = py_max(bottom / nr, -1.0);
    if (top > -bottom) return top;
    if (top < -bottom) return bottom;
    return 0.0;
}

/* Comparison ES of n_sets sets (sorted positions, as mamsets_gsea_es_batch) into out.
 * Returns 0, or -1 when scratch memory cannot be allocated. */
int64_t mamsets_gsea_cmp_batch(const double *wq, int64_t n, const int64_t *flat, const int64_t *offsets,
                               int64_t n_sets, double *out) {
    int64_t kmax = 0;
    for (int64_t s = 0; s < n_sets; s++)
        if (offsets[s + 1] - offsets[s] > kmax) kmax = offsets[s + 1] - offsets[s];
    double *sx = malloc((size_t)(kmax + 1) * sizeof(double));
    double *m = malloc((size_t)(kmax > 0 ? kmax : 1) * sizeof(double));
    if (!sx || !m) {
        free(sx); free(m);
        return -1;
    }
    for (int64_t s = 0; s < n_sets; s++) {
        const int64_t *pos = flat + offsets[s];
        int64_t k = offsets[s + 1] - offsets[s];
        sx[0] = 0.0;
        for (int64_t i = 0; i < k; i++) {
            sx[i + 1] = sx[i] + wq[pos[i]];
            m[i] = (double)(pos[i] - i);
        }
        out[s] = cmp_value(sx, m, k, n);
    }
    free(sx); free(m);
    return 0;
}

/* Nested null of comparison ES (see above): out[si * out_stride + j] for sizes[si] in sample j.
 * Returns 0, or -1 when scratch memory cannot be allocated. */
int64_t mamsets_gsea_null_cumulative(const double *wq, int64_t n, const int64_t *sizes, int64_t n_sizes,
                                     int64_t n_samples, void *state, double (*next_double)(void *),
                                     double *out, int64_t out_stride) {
    int64_t kmax = sizes[n_sizes - 1];
    uint64_t *bits = calloc((size_t)((n + 63) >> 6), sizeof(uint64_t));
    int64_t *drawn = malloc((size_t)kmax * sizeof(int64_t));
    double *sx = malloc((size_t)(kmax + 1) * sizeof(double));
    double *m = malloc((size_t)kmax * sizeof(double));
    if (!bits || !drawn || !sx || !m) {
        free(bits); free(drawn); free(sx); free(m);
        return -1;
    }
    for (int64_t j = 0; j < n_samples; j++) {
        int64_t c = 0;
        sx[0] = 0.0;
        for (int64_t si = 0; si < n_sizes; si++) {
            int64_t target = sizes[si];
            while (c < target) {
                int64_t p = (int64_t)(next_double(state) * (double)n);
                uint64_t bit = UINT64_C(1) << (p & 63);
                if (bits[p >> 6] & bit) continue;
                bits[p >> 6] |= bit;
                drawn[c] = p;
                /* sorted index t of p among the c members: positions are m_i + i, increasing */
                int64_t lo = 0, hi = c;
                while (lo < hi) {
                    int64_t mid = (lo + hi) >> 1;
                    if (m[mid] + (double)mid < (double)p) lo = mid + 1; else hi = mid;
                }
                double wp = wq[p];
                for (int64_t i = c; i > lo; i--) { /* later members: one more hit before them */
                    m[i] = m[i - 1] - 1.0;
                    sx[i + 1] = sx[i] + wp;
                }
                m[lo] = (double)(p - lo);
                sx[lo + 1] = sx[lo] + wp;
                c++;
            }
            out[si * out_stride + j] = cmp_value(sx, m, target, n);
        }
        for (int64_t i = 0; i < kmax; i++) bits[drawn[i] >> 6] = 0;
    }
    free(bits); free(drawn); free(sx); free(m);
    return 0;
}
