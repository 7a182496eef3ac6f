/* Phenotype-permutation GSEA: the ES of every gene set under each of many labellings.
 *
 * Called through ctypes from mamsets/engines/_pheno_kernel.py, which prepares the centred
 * expression and documents the API. Per labelling, in one pass and without (genes x labellings)
 * temporaries:
 *   1. class sums of the centred values (and their squares) over the samples labelled 1, from the
 *      smaller class (the other class is the total minus it); Pearson's dot products come
 *      precomputed, one matrix product per block;
 *   2. the negated metric of every gene (formulas of mamsets.engines._expr_metrics), non-finite
 *      values set to 0 and counted;
 *   3. the 0-based rank of every set member in the ranking by decreasing metric, ties by row;
 *   4. the ES of every set with the preranked arithmetic (mamsets_es_value).
 * Division by zero follows IEEE (x/0 -> +-inf, 0/0 -> nan), as numpy does.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gsea_kernel.h"

/* Bucket size above which a labelling is ranked by a stable sort instead. */
#define MAX_BUCKET 64
/* Buckets span the mean +- this many standard deviations (tails share the end buckets). */
#define SD_RANGE 5.0

enum { SIGNAL_TO_NOISE = 0, T_TEST = 1, RATIO_OF_CLASSES = 2, DIFF_OF_CLASSES = 3,
       LOG2_RATIO_OF_CLASSES = 4, PEARSON = 5 };

typedef struct {
    double *s1, *s2, *w, *col, *vals;
    int64_t *pos, *bucket, *start, *fill, *rows, *seg, *order, *tmp;
    uint64_t *bits;
} scratch_t;

/* ---------------------------------------------------------------------------- ranks */
/* Stable merge sort of the row indices order[0..n) by ascending col (ties keep row order). */
static void merge_sort_rows(const double *col, int64_t *order, int64_t *tmp, int64_t n) {
    for (int64_t i = 0; i < n; i++) order[i] = i;
    for (int64_t width = 1; width < n; width *= 2) {
        for (int64_t lo = 0; lo < n; lo += 2 * width) {
            int64_t mid = lo + width < n ? lo + width : n;
            int64_t hi = lo + 2 * width < n ? lo + 2 * width : n;
            int64_t a = lo, b = mid, t = lo;
            while (a < mid && b < hi) tmp[t++] = col[order[b]] < col[order[a]] ? order[b++] : order[a++];
            while (a < mid) tmp[t++] = order[a++];
            while (b < hi) tmp[t++] = order[b++];
        }
        memcpy(order, tmp, (size_t)n * sizeof(int64_t));
    }
}

/* Positions of rows flat[0..n_flat) when col is sorted ascending, ties by row: by a stable sort. */
static void argsort_positions(const double *col, int64_t n, const int64_t *flat, int64_t n_flat,
                              int64_t *pos, scratch_t *sc) {
    merge_sort_rows(col, sc->order, sc->tmp, n);
    int64_t *inv = sc->tmp;
    for (int64_t r = 0; r < n; r++) inv[sc->order[r]] = r;
    for (int64_t i = 0; i < n_flat; i++) pos[i] = inv[flat[i]];
}

/* The same positions without sorting. A row's rank is the number of rows with a smaller value
 * plus the rows with an equal value and a smaller row index. A counting sort of col into
 * nb ~ n/2 equal-width buckets over the mean +- 5 sd (a monotone map: every row of a lower bucket
 * has a smaller value) gives the first count up to the row's own bucket, and a scan of that
 * bucket the rest: O(n + members x bucket size). A bucket of more than MAX_BUCKET rows (many ties,
 * e.g. genes constant in every sample) sends the labelling to the stable sort. */
static void positions(const double *col, int64_t n, const int64_t *flat, int64_t n_flat,
                      int64_t *pos, scratch_t *sc) {
    int64_t nb = n / 2 > 1 ? n / 2 : 1;
    int64_t *bucket = sc->bucket, *start = sc->start, *fill = sc->fill, *rows = sc->rows;
    double *vals = sc->vals;
    double mean = 0.0, ss = 0.0;
    for (int64_t g = 0; g < n; g++) mean += col[g];
    mean /= (double)n;
    for (int64_t g = 0; g < n; g++) {
        double d = col[g] - mean;
        ss += d * d;
    }
    double half = SD_RANGE * sqrt(ss / (double)n);
    double lo = mean - half;
    double scale = half > 0.0 ? (double)nb / (2.0 * half) : 0.0;
    memset(start, 0, (size_t)(nb + 1) * sizeof(int64_t));
    for (int64_t g = 0; g < n; g++) {
        /* clamp in floating point: NaN and values below the range -> 0, above -> nb - 1 */
        double d = (col[g] - lo) * scale;
        int64_t b = d >= 1.0 ? (d < (double)(nb - 1) ? (int64_t)d : nb - 1) : 0;
        bucket[g] = b;
        start[b + 1]++;
    }
    for (int64_t b = 0; b < nb; b++) {
        if (start[b + 1] > MAX_BUCKET) {
            argsort_positions(col, n, flat, n_flat, pos, sc);
            return;
        }
        start[b + 1] += start[b];
    }
    memcpy(fill, start, (size_t)nb * sizeof(int64_t));
    for (int64_t g = 0; g < n; g++) { /* rows ascending within a bucket */
        int64_t b = bucket[g];
        vals[fill[b]] = col[g];
        rows[fill[b]] = g;
        fill[b]++;
    }
    for (int64_t i = 0; i < n_flat; i++) {
        int64_t r = flat[i];
        double v = col[r];
        int64_t b = bucket[r], c = start[b];
        for (int64_t j = start[b]; j < start[b + 1]; j++) /* branch-free: unpredictable */
            c += (vals[j] < v) | ((vals[j] == v) & (rows[j] < r));
        pos[i] = c;
    }
}

/* ---------------------------------------------------------------------------- metric */
/* Negated metric of every gene for one labelling into col; non-finite values -> 0 (counted).
 * s1, s2: sums of centred values and squares over class A (na samples); t1, t2: over all samples
 * (for Pearson: s1 = centred x . centred y, t1 = |centred x|, scale = |centred y|). */
static int64_t metric_col(int64_t code, const double *s1, const double *s2, const double *t1,
                          const double *t2, const double *centre, double na, double nb, double scale,
                          double *col, int64_t n) {
    int64_t n_bad = 0;
    for (int64_t g = 0; g < n; g++) {
        double v;
        if (code == PEARSON) {
            v = s1[g] / t1[g] / scale;
        } else {
            double ma = s1[g] / na;
            double mb = (t1[g] - s1[g]) / nb;
            double diff = ma - mb;
            if (code == DIFF_OF_CLASSES) {
                v = diff;
            } else if (code == RATIO_OF_CLASSES || code == LOG2_RATIO_OF_CLASSES) {
                v = (ma + centre[g]) / (mb + centre[g]);
                if (code == LOG2_RATIO_OF_CLASSES) v = log2(v);
            } else { /* sample variances from the sums: (sum x^2 - sum x * mean) / (n - 1) */
                double va = py_max((s2[g] - s1[g] * ma) / (na - 1.0), 0.0);
                double vb = py_max((t2[g] - s2[g] - (t1[g] - s1[g]) * mb) / (nb - 1.0), 0.0);
                if (code == T_TEST) {
                    v = diff / sqrt(va / na + vb / nb);
                } else { /* signal to noise, sd floored at 0.2 |mean| (GSEA desktop), 0.2 if 0 */
                    double sa = py_max(sqrt(va), 0.2 * fabs(ma + centre[g]));
                    double sb = py_max(sqrt(vb), 0.2 * fabs(mb + centre[g]));
                    if (sa == 0.0) sa = 0.2;
                    if (sb == 0.0) sb = 0.2;
                    v = diff / (sa + sb);
                }
            }
        }
        if (!isfinite(v)) {
            v = 0.0;
            n_bad++;
        }
        col[g] = -v;
    }
    return n_bad;
}

/* Sums of centred values xct (n_samp x n, row j = sample j) and of their squares sq over the
 * samples labelled 1.0, summed over the smaller class (the other class is the total t - sum). */
static void class_sums(const double *xct, const double *sq, const double *lab, int64_t n_samp,
                       const double *t1, const double *t2, int squares, double *s1, double *s2,
                       int64_t n) {
    int64_t n_a = 0;
    for (int64_t j = 0; j < n_samp; j++) n_a += lab[j] == 1.0;
    int flip = 2 * n_a > n_samp;
    memset(s1, 0, (size_t)n * sizeof(double));
    memset(s2, 0, (size_t)n * sizeof(double));
    for (int64_t j = 0; j < n_samp; j++) {
        if ((lab[j] == 1.0) != flip) {
            const double *xj = xct + j * n;
            for (int64_t g = 0; g < n; g++) s1[g] += xj[g];
            if (squares) {
                const double *qj = sq + j * n;
                for (int64_t g = 0; g < n; g++) s2[g] += qj[g];
            }
        }
    }
    if (flip) {
        for (int64_t g = 0; g < n; g++) {
            s1[g] = t1[g] - s1[g];
            s2[g] = t2[g] - s2[g];
        }
    }
}

/* ---------------------------------------------------------------------------- null block */
static void free_scratch(scratch_t *sc) {
    free(sc->s1); free(sc->s2); free(sc->w); free(sc->col); free(sc->vals); free(sc->pos);
    free(sc->bucket); free(sc->start); free(sc->fill); free(sc->rows); free(sc->seg);
    free(sc->order); free(sc->tmp); free(sc->bits);
}

static int alloc_scratch(scratch_t *sc, int64_t n, int64_t n_flat) {
    size_t d = sizeof(double), i = sizeof(int64_t), nn = (size_t)n;
    size_t nb1 = (size_t)(n / 2 > 1 ? n / 2 : 1) + 1;
    sc->s1 = malloc(nn * d); sc->s2 = malloc(nn * d); sc->w = calloc(nn, d);
    sc->col = malloc(nn * d); sc->vals = malloc(nn * d);
    sc->pos = malloc((size_t)(n_flat > 0 ? n_flat : 1) * i);
    sc->bucket = malloc(nn * i); sc->start = malloc(nb1 * i); sc->fill = malloc(nb1 * i);
    sc->rows = malloc(nn * i); sc->seg = malloc(nn * i); sc->order = malloc(nn * i);
    sc->tmp = malloc(nn * i); sc->bits = calloc((nn + 63) >> 6, sizeof(uint64_t));
    return sc->s1 && sc->s2 && sc->w && sc->col && sc->vals && sc->pos && sc->bucket && sc->start
           && sc->fill && sc->rows && sc->seg && sc->order && sc->tmp && sc->bits;
}

/* Fill out[s * out_stride + p] with the ES of set s under labelling p (labels row p), for the
 * n genes. Members of set s are the rows flat[offsets[s] .. offsets[s + 1]); each set's member
 * positions are put in order through a bitset (set, then read and cleared word by word) and N_R is
 * summed in that order. Only members' entries of the weight vector are written and read. Returns
 * the number of non-finite metric values, or -1 when scratch memory cannot be allocated. */
int64_t mamsets_pheno_null_es_block(int64_t code, const double *labels, int64_t n_lab, int64_t n_samp,
                                    const double *xct, const double *sq, const double *s1m,
                                    const double *t1, const double *t2, const double *centre,
                                    const double *na, double n_total, const double *scale,
                                    double weight, const int64_t *flat, const int64_t *offsets,
                                    int64_t n_sets, int64_t n, double *out, int64_t out_stride) {
    int64_t n_flat = offsets[n_sets];
    int64_t n_words = (n + 63) >> 6;
    scratch_t sc;
    if (!alloc_scratch(&sc, n, n_flat)) {
        free_scratch(&sc);
        return -1;
    }
    int64_t n_bad = 0;
    for (int64_t p = 0; p < n_lab; p++) {
        if (code == PEARSON)
            memcpy(sc.s1, s1m + p * n, (size_t)n * sizeof(double));
        else
            class_sums(xct, sq, labels + p * n_samp, n_samp, t1, t2, code < 2, sc.s1, sc.s2, n);
        n_bad += metric_col(code, sc.s1, sc.s2, t1, t2, centre, na[p], n_total - na[p], scale[p],
                            sc.col, n);
        positions(sc.col, n, flat, n_flat, sc.pos, &sc);
        for (int64_t i = 0; i < n_flat; i++) {
            double a = fabs(sc.col[flat[i]]);
            sc.w[sc.pos[i]] = weight == 1.0 ? a : (weight == 0.0 ? 1.0 : pow(a, weight));
        }
        for (int64_t s = 0; s < n_sets; s++) {
            for (int64_t i = offsets[s]; i < offsets[s + 1]; i++) {
                int64_t q = sc.pos[i];
                sc.bits[q >> 6] |= UINT64_C(1) << (q & 63);
            }
            int64_t t = 0;
            double nr = 0.0;
            for (int64_t word = 0; word < n_words; word++) {
                uint64_t y = sc.bits[word];
                if (!y) continue;
                sc.bits[word] = 0;
                int64_t base = word << 6;
                for (; y; y &= y - 1) {
                    int64_t q = base + tz64(y);
                    sc.seg[t++] = q;
                    nr += sc.w[q];
                }
            }
            out[s * out_stride + p] = mamsets_es_value(sc.w, sc.seg, t, n, nr);
        }
    }
    free_scratch(&sc);
    return n_bad;
}
