/* Shared pieces of the multilevel p-value kernels (multilevel_walk.c, multilevel_first.c).
 *
 * The method is adaptive multilevel splitting for preranked GSEA p-values as in fgsea
 * (Korotkevich G, Sukhov V, Budin N, Shpak B, Artyomov MN, Sergushichev A. Fast gene set
 * enrichment analysis. bioRxiv 060012, doi:10.1101/060012); the algorithm, its constants and
 * the bookkeeping of the estimate are described in mamsets/engines/_multilevel.py. This is our
 * own implementation, not a copy of fgsea's C++.
 *
 * Everything here is `static inline`: each .c file gets its own copy, nothing is exported.
 * Floating-point expressions keep the operation order of the original numba kernels (the
 * build uses no -ffast-math), so a seed gives the same bits as before the port.
 */
#ifndef MAMSETS_MULTILEVEL_H
#define MAMSETS_MULTILEVEL_H

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "common.h"

/* Two enrichment scores closer than this are treated as equal (as in fgsea). */
#define ML_ES_TOL 1e-10
/* The positive and negative deviations of one walk are a tie (ES = 0) when closer than this:
 * in small rankings both are often whole numbers of misses over N - K, and rounding must not
 * break such ties differently on the reversed ranking. */
#define ML_TIE_TOL 1e-12

/* Status codes of a query (mirrored in _multilevel_walk.py). */
enum { ML_OK = 0, ML_FLOOR = 1, ML_STALLED = 2, ML_UNBALANCED = 3 };

/* ------------------------------------------------------------------------------ RNG
 * xoshiro256** (Blackman & Vigna, ACM TOMS 47(4):36, 2021), one state of four words per work
 * unit, seeded in Python from numpy.random.SeedSequence; the state array is updated in place
 * so the caller can continue the stream. */

static inline uint64_t ml_rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static inline uint64_t ml_next_u64(uint64_t *s) {
    uint64_t result = ml_rotl(s[1] * 5u, 7) * 9u;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = ml_rotl(s[3], 45);
    return result;
}

/* Uniform integer in [0, n) by the 53-bit float method (bias below 2**-30 for n < 2**23). */
static inline int64_t ml_randint(uint64_t *s, int64_t n) {
    double u = (double)(ml_next_u64(s) >> 11) * (1.0 / 9007199254740992.0);
    int64_t r = (int64_t)(u * (double)n);
    return r < n ? r : n - 1;
}

/* Exactly uniform integer in [0, n), 1 <= n < 2**32, from the 32 random bits x by Lemire's
 * multiply-and-reject (ACM TOMACS 29(1):3, 2019): so one 64-bit draw gives two integers. A
 * rejection (probability below n / 2**32) takes the low half of a fresh draw. */
static inline int64_t ml_lemire(uint32_t x, uint32_t n, uint64_t *s) {
    uint64_t m = (uint64_t)x * n;
    if ((uint32_t)m < n) {
        uint32_t t = (uint32_t)(-n) % n;
        while ((uint32_t)m < t) m = (uint64_t)(uint32_t)ml_next_u64(s) * n;
    }
    return (int64_t)(m >> 32);
}

/* ------------------------------------------------------------------------------ scores */

/* Signed enrichment score (Subramanian et al. 2005) of the sorted positions pos[:k] of a
 * ranking of n genes with weights w (|score|**weight in ranking order), given the set's total
 * weight nr.
 *
 * After hit j (0-based) the running sum is A_j = Y_j / NR - (pos_j - j) / (N - K), just before
 * it B_j = A_j - w_j / NR (Y_j the weight prefix, NR the set's total weight). ES is max A if
 * max A > -min B, min B if max A < -min B, and 0 on a tie within ML_TIE_TOL (fgsea's rule).
 * A set of total weight 0 (every member weighs 0) steps 1/K at each hit: Y_j counts the hits
 * and NR is K, as the observed score (gsea_kernel.c) and fgsea have it. */
static inline double ml_signed_es_nr(const int64_t *pos, int64_t k, const double *w, int64_t n,
                                     double nr) {
    int unit = !(nr > 0.0);
    double q2 = unit ? 1.0 / (double)k : 1.0 / nr;
    double q1 = 1.0 / (double)(n - k);
    double y = 0.0, amax = -INFINITY, bmin = INFINITY;
    for (int64_t j = 0; j < k; j++) {
        double m = (double)(pos[j] - j) * q1;
        double b = y * q2 - m;
        bmin = py_min(bmin, b);
        y += unit ? 1.0 : w[pos[j]];
        double a = y * q2 - m;
        amax = py_max(amax, a);
    }
    if (amax > -bmin + ML_TIE_TOL) return amax;
    if (amax < -bmin - ML_TIE_TOL) return bmin;
    return 0.0;
}

/* The same, NR = sum of w[pos[j]] summed here in increasing j (the order every caller uses). */
static inline double ml_signed_es(const int64_t *pos, int64_t k, const double *w, int64_t n) {
    double nr = 0.0;
    for (int64_t j = 0; j < k; j++) nr += w[pos[j]];
    return ml_signed_es_nr(pos, k, w, n, nr);
}

/* The strict order of samples: by ES, values closer than ML_ES_TOL counting as equal, then by
 * a random 64-bit hash of the set (XOR of random gene keys, Zobrist hashing). It turns the
 * discrete law of ES (ties are common with repeated scores) into a continuous one, so every
 * level passage keeps exactly the sets above the median key. */
static inline int ml_key_less(double e1, uint64_t h1, double e2, uint64_t h2) {
    if (e1 < e2 - ML_ES_TOL) return 1;
    if (e1 > e2 + ML_ES_TOL) return 0;
    return h1 < h2;
}

/* Stable-enough insertion sort of order[0:m] (initialised to 0..m-1) by (score, hash); the
 * order is strict, so the result does not depend on the algorithm. */
static inline void ml_sort_keys(const double *sc, const uint64_t *hh, int64_t *order, int64_t m) {
    for (int64_t s = 0; s < m; s++) order[s] = s;
    for (int64_t s = 1; s < m; s++) {
        int64_t cur = order[s];
        int64_t t = s - 1;
        while (t >= 0 && ml_key_less(sc[cur], hh[cur], sc[order[t]], hh[order[t]])) {
            order[t + 1] = order[t];
            t--;
        }
        order[t + 1] = cur;
    }
}

/* The element of rank r (0-based, increasing) of a[0:m], the value a full sort would put
 * there (Hoare's quickselect; a is reordered), for an element type T. */
#define ML_DEFINE_SELECT(name, T)                                                                 \
    static inline T name(T *a, int64_t m, int64_t r) {                                           \
        int64_t lo = 0, hi = m - 1;                                                               \
        while (lo < hi) {                                                                         \
            T pivot = a[lo + (hi - lo) / 2];                                                      \
            int64_t i = lo, j = hi;                                                               \
            while (i <= j) {                                                                      \
                while (a[i] < pivot) i++;                                                         \
                while (a[j] > pivot) j--;                                                         \
                if (i <= j) {                                                                     \
                    T t = a[i];                                                                   \
                    a[i++] = a[j];                                                                \
                    a[j--] = t;                                                                   \
                }                                                                                 \
            }                                                                                     \
            if (r <= j)                                                                           \
                hi = j;                                                                           \
            else if (r >= i)                                                                      \
                lo = i;                                                                           \
            else                                                                                  \
                break;                                                                            \
        }                                                                                         \
        return a[r];                                                                              \
    }
ML_DEFINE_SELECT(ml_select_i64, int64_t)
ML_DEFINE_SELECT(ml_select_f64, double)

static inline int ml_cmp_i64(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* (psi(b) - psi(a), psi1(a) - psi1(b)) for integers 1 <= a <= b, by their finite series. */
static inline void ml_digamma_gap(int64_t a, int64_t b, double *d, double *v) {
    double dd = 0.0, vv = 0.0;
    for (int64_t t = a; t < b; t++) {
        dd += 1.0 / (double)t;
        vv += 1.0 / (double)(t * t);
    }
    *d = dd;
    *v = vv;
}

/* Tests only: count one walk decision in audit[0], and in audit[1] if a fresh long-double
 * score of the proposed set contradicts it by more than 1e-9 (multilevel_audit.c). */
void mamsets_ml_audit_decision(const double *w, int64_t n, int64_t k, const int64_t *mem, int64_t r,
                               int64_t v_new, double lev_eff, int accepted, int64_t *pos,
                               int64_t *audit);

#endif
