/* The cumulative permutation null of preranked GSEA and the comparison scores it is compared with.
 *
 * Called through ctypes from mamsets/engines/_gsea_kernel.py (null_es_cumulative,
 * comparison_scores), which documents the API and checks every argument. Split from
 * gsea_kernel.c, which holds the enrichment scores and the nested null it shares draws with.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gsea_kernel.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

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
 * then grow one member at a time, kept sorted in chunks of at most CHUNK members. A chunk stores
 * its members' prefix sums and m relative to the chunk (lsx[0] = 0, lsx[i+1] = sum of its first
 * i + 1 weights; mq[i] = p_i - i with i the index within the chunk); the exact S_i and m_i of a
 * member are the chunk's value plus (minus) the totals of the chunks before it. A new member
 * touches one chunk only (shift, add its weight to the later lsx, take one off the later mq;
 * a full chunk splits in two halves), O(CHUNK + number of chunks) instead of O(k); each size is
 * then one division-free pass over the chunks, O(k). Totals before a chunk are exact integers,
 * so every S_i - lambda m_i is computed from the same two numbers as in comparison_scores and
 * the scores are the same bits. */

#define CHUNK 64
#define CHUNK_DOUBLES (2 * CHUNK + 8)
/* New members at once from which the chunks are rebuilt instead of inserted one by one. */
#define BULK_GAP 32

/* A run of consecutive members (in ranking order): len members, lsx[0..len], mq[0..len). */
typedef struct {
    int64_t len;
    double *lsx, *mq;
} chunk_t;


/* Lanes of the running max of S_i - lambda m_i (top) and min of S_{i-1} - lambda m_i (bottom),
 * over the chunks folded so far. Four lanes (SSE2, part of every x86-64 CPU; plain doubles
 * elsewhere) break the dependency chain; max and min are exact, so the grouping does not change
 * the result. */
typedef struct {
#ifdef __SSE2__
    __m128d ta, tb, ba, bb;
#else
    double t[4], b[4];
#endif
} extremes_t;

static void extremes_init(extremes_t *e) {
#ifdef __SSE2__
    e->ta = e->tb = _mm_set1_pd(-INFINITY);
    e->ba = e->bb = _mm_set1_pd(INFINITY);
#else
    for (int i = 0; i < 4; i++) { e->t[i] = -INFINITY; e->b[i] = INFINITY; }
#endif
}

/* Fold one chunk: S_i = bsum + lsx[i+1], S_{i-1} = bsum + lsx[i], m_i = mq[i] - bcnt. The chunk
 * is read in whole groups of four: its arrays are padded with copies of the last member
 * (lsx[len+1..len+3] = lsx[len], mq[len..len+2] = mq[len-1]), whose terms repeat the last top
 * term and exceed the last bottom term, so they change neither extreme. */
static inline void fold_chunk(extremes_t *e, const chunk_t *ch, double bsum, double bcnt,
                              double lambda) {
    const double *sx = ch->lsx, *m = ch->mq;
    int64_t k = ch->len;
#ifdef __SSE2__
    __m128d lam = _mm_set1_pd(lambda), bs = _mm_set1_pd(bsum), bc = _mm_set1_pd(bcnt);
    for (int64_t i = 0; i < k; i += 4) {
        __m128d la = _mm_mul_pd(lam, _mm_sub_pd(_mm_loadu_pd(m + i), bc));
        __m128d lb = _mm_mul_pd(lam, _mm_sub_pd(_mm_loadu_pd(m + i + 2), bc));
        e->ta = _mm_max_pd(e->ta, _mm_sub_pd(_mm_add_pd(bs, _mm_loadu_pd(sx + i + 1)), la));
        e->tb = _mm_max_pd(e->tb, _mm_sub_pd(_mm_add_pd(bs, _mm_loadu_pd(sx + i + 3)), lb));
        e->ba = _mm_min_pd(e->ba, _mm_sub_pd(_mm_add_pd(bs, _mm_loadu_pd(sx + i)), la));
        e->bb = _mm_min_pd(e->bb, _mm_sub_pd(_mm_add_pd(bs, _mm_loadu_pd(sx + i + 2)), lb));
    }
#else
    for (int64_t i = 0; i < k; i += 4) {
        for (int q = 0; q < 4; q++) {
            double l = lambda * (m[i + q] - bcnt);
            e->t[q] = py_max(e->t[q], (bsum + sx[i + q + 1]) - l);
            e->b[q] = py_min(e->b[q], (bsum + sx[i + q]) - l);
        }
    }
#endif
}

static void extremes_result(const extremes_t *e, double *top, double *bottom) {
#ifdef __SSE2__
    double t2[2], b2[2];
    _mm_storeu_pd(t2, _mm_max_pd(e->ta, e->tb));
    _mm_storeu_pd(b2, _mm_min_pd(e->ba, e->bb));
    *top = py_max(t2[0], t2[1]);
    *bottom = py_min(b2[0], b2[1]);
#else
    *top = py_max(py_max(e->t[0], e->t[1]), py_max(e->t[2], e->t[3]));
    *bottom = py_min(py_min(e->b[0], e->b[1]), py_min(e->b[2], e->b[3]));
#endif
}

/* Write the padding fold_chunk reads past the last member. */
static inline void chunk_pad(chunk_t *ch) {
    int64_t k = ch->len;
    for (int q = 1; q <= 3; q++) {
        ch->lsx[k + q] = ch->lsx[k];
        ch->mq[k - 1 + q] = ch->mq[k - 1];
    }
}

/* The comparison ES of the k members held by chunks[order[0..n_chunks)] in a ranking of n. */
static double cmp_value(const chunk_t *chunks, const int64_t *order, int64_t n_chunks, int64_t k,
                        int64_t n) {
    double nr = 0.0, top = -INFINITY, bottom = INFINITY;
    for (int64_t c = 0; c < n_chunks; c++) nr += chunks[order[c]].lsx[chunks[order[c]].len];
    double bsum = 0.0, bcnt = 0.0;
    if (nr == 0.0) { /* all quantised member weights 0: hit i steps to i + 1 of k */
        double lambda = (double)k / (double)(n - k);
        for (int64_t c = 0; c < n_chunks; c++) {
            const chunk_t *ch = chunks + order[c];
            for (int64_t i = 0; i < ch->len; i++) {
                double l = lambda * (ch->mq[i] - bcnt);
                top = py_max(top, (bcnt + (double)(i + 1)) - l);
                bottom = py_min(bottom, (bcnt + (double)i) - l);
            }
            bcnt += (double)ch->len;
        }
        nr = (double)k;
    } else {
        double lambda = nr / (double)(n - k);
        extremes_t e;
        extremes_init(&e);
        for (int64_t c = 0; c < n_chunks; c++) {
            const chunk_t *ch = chunks + order[c];
            fold_chunk(&e, ch, bsum, bcnt, lambda);
            bsum += ch->lsx[ch->len];
            bcnt += (double)ch->len;
        }
        extremes_result(&e, &top, &bottom);
    }
    top = py_min(top / nr, 1.0);
    bottom = py_max(bottom / nr, -1.0);
    if (top > -bottom) return top;
    if (top < -bottom) return bottom;
    return 0.0;
}

/* Comparison ES of n_sets sets (sorted positions, as mamsets_gsea_es_batch) into out, each set
 * held as one chunk. Returns 0, or -1 when scratch memory cannot be allocated. */
int64_t mamsets_gsea_cmp_batch(const double *wq, int64_t n, const int64_t *flat, const int64_t *offsets,
                               int64_t n_sets, double *out) {
    int64_t kmax = 0, zero = 0;
    for (int64_t s = 0; s < n_sets; s++)
        if (offsets[s + 1] - offsets[s] > kmax) kmax = offsets[s + 1] - offsets[s];
    chunk_t ch = {0, malloc((size_t)(kmax + 4) * sizeof(double)),
                  malloc((size_t)(kmax + 3) * sizeof(double))};
    if (!ch.lsx || !ch.mq) {
        free(ch.lsx); free(ch.mq);
        return -1;
    }
    for (int64_t s = 0; s < n_sets; s++) {
        const int64_t *pos = flat + offsets[s];
        ch.len = offsets[s + 1] - offsets[s];
        ch.lsx[0] = 0.0;
        for (int64_t i = 0; i < ch.len; i++) {
            ch.lsx[i + 1] = ch.lsx[i] + wq[pos[i]];
            ch.mq[i] = (double)(pos[i] - i);
        }
        if (ch.len > 0) chunk_pad(&ch);
        out[s] = cmp_value(&ch, &zero, 1, ch.len, n);
    }
    free(ch.lsx); free(ch.mq);
    return 0;
}

/* #{i < len : a[i] + step * i < v}: with step 1 and a = mq, the members of a chunk before
 * position v (positions are mq[i] + i); with step 0, the entries of a below v. */
static inline int64_t count_below(const double *a, int64_t len, double step, double v) {
    int64_t i = 0, cnt = 0;
#ifdef __SSE2__
    __m128d vv = _mm_set1_pd(v), idx = _mm_set_pd(step, 0.0), inc = _mm_set1_pd(2.0 * step);
    __m128i acc = _mm_setzero_si128();
    for (; i + 2 <= len; i += 2) { /* a true comparison is all ones, -1 as an integer */
        __m128d below = _mm_cmplt_pd(_mm_add_pd(_mm_loadu_pd(a + i), idx), vv);
        acc = _mm_sub_epi64(acc, _mm_castpd_si128(below));
        idx = _mm_add_pd(idx, inc);
    }
    int64_t a2[2];
    _mm_storeu_si128((__m128i *)a2, acc);
    cnt = a2[0] + a2[1];
#endif
    for (; i < len; i++) cnt += a[i] + step * (double)i < v;
    return cnt;
}

/* Make room at index lo of a chunk: members lo..len-1 move up one slot, with one more hit
 * before them (mq - 1) and wp more weight (lsx + wp). Backwards in pairs: each pair is loaded
 * before the store that overwrites it. */
static inline void shift_up(chunk_t *ch, int64_t lo, double wp) {
    double *m = ch->mq, *sx = ch->lsx;
    int64_t i = ch->len;
#ifdef __SSE2__
    __m128d one = _mm_set1_pd(1.0), w = _mm_set1_pd(wp);
    for (; i - 2 >= lo; i -= 2) { /* new m[i-1..i] = m[i-2..i-1] - 1, new sx[i..i+1] = sx[i-1..i] + wp */
        __m128d mv = _mm_loadu_pd(m + i - 2), sv = _mm_loadu_pd(sx + i - 1);
        _mm_storeu_pd(m + i - 1, _mm_sub_pd(mv, one));
        _mm_storeu_pd(sx + i, _mm_add_pd(sv, w));
    }
#endif
    for (; i > lo; i--) {
        m[i] = m[i - 1] - 1.0;
        sx[i + 1] = sx[i] + wp;
    }
}

/* Insert position p (weight wp) into the chunked sorted set. order[0..*n_chunks) lists the
 * chunks in ranking order and last[c] the last position held by chunk order[c]. A chunk that
 * becomes full splits in two halves; pool has room for every chunk. */
static void chunk_insert(chunk_t *pool, int64_t *order, double *last, int64_t *n_chunks, int64_t p,
                         double wp) {
    double dp = (double)p;
    /* the first chunk whose last member lies after p (else the last chunk), then the number of
     * the chunk's members before p: counts of comparisons, no data-dependent branches */
    int64_t c = count_below(last, *n_chunks - 1, 0.0, dp);
    chunk_t *ch = pool + order[c];
    int64_t lo = count_below(ch->mq, ch->len, 1.0, dp);
    shift_up(ch, lo, wp);
    ch->mq[lo] = (double)(p - lo);
    ch->lsx[lo + 1] = ch->lsx[lo] + wp;
    ch->len++;
    if (ch->len < CHUNK) {
        if (lo == ch->len - 1) last[c] = dp;
        chunk_pad(ch);
        return;
    }
    /* split: the upper half moves to a fresh chunk, relative to its own start */
    int64_t h = CHUNK / 2, fresh = *n_chunks;
    chunk_t *nc = pool + fresh;
    nc->len = ch->len - h;
    nc->lsx[0] = 0.0;
    for (int64_t j = 0; j < nc->len; j++) {
        nc->mq[j] = ch->mq[j + h] + (double)h;
        nc->lsx[j + 1] = ch->lsx[j + h + 1] - ch->lsx[h];
    }
    ch->len = h;
    chunk_pad(ch);
    chunk_pad(nc);
    memmove(order + c + 2, order + c + 1, (size_t)(*n_chunks - c - 1) * sizeof(int64_t));
    memmove(last + c + 2, last + c + 1, (size_t)(*n_chunks - c - 1) * sizeof(double));
    order[c + 1] = fresh;
    last[c + 1] = nc->mq[nc->len - 1] + (double)(nc->len - 1);
    last[c] = ch->mq[h - 1] + (double)(h - 1);
    (*n_chunks)++;
}

/* All drawn members, in ranking order from the bitset, packed into fresh chunks of 3/4 CHUNK
 * (room for later insertions). Cheaper than BULK_GAP or more single insertions: O(n / 64 + k).
 * Returns the number of chunks. */
static int64_t chunks_from_bits(chunk_t *pool, int64_t *order, double *last, const uint64_t *bits,
                                int64_t n, const double *wq) {
    int64_t n_chunks = 0, fill = (3 * CHUNK) / 4;
    chunk_t *ch = pool;
    ch->len = 0;
    ch->lsx[0] = 0.0;
    for (int64_t word = 0; word < (n + 63) >> 6; word++) {
        for (uint64_t y = bits[word]; y; y &= y - 1) {
            if (ch->len == fill) { /* close this chunk, open the next */
                chunk_pad(ch);
                order[n_chunks] = n_chunks;
                last[n_chunks] = ch->mq[ch->len - 1] + (double)(ch->len - 1);
                ch = pool + ++n_chunks;
                ch->len = 0;
                ch->lsx[0] = 0.0;
            }
            int64_t q = (word << 6) + tz64(y), i = ch->len;
            ch->mq[i] = (double)(q - i);
            ch->lsx[i + 1] = ch->lsx[i] + wq[q];
            ch->len++;
        }
    }
    chunk_pad(ch);
    order[n_chunks] = n_chunks;
    last[n_chunks] = ch->mq[ch->len - 1] + (double)(ch->len - 1);
    return n_chunks + 1;
}

/* Nested null of comparison ES (see above): out[si * out_stride + j] for sizes[si] in sample j.
 * Returns 0, or -1 when scratch memory cannot be allocated. */
int64_t mamsets_gsea_null_cumulative(const double *wq, int64_t n, const int64_t *sizes, int64_t n_sizes,
                                     int64_t n_samples, void *state, double (*next_double)(void *),
                                     double *out, int64_t out_stride) {
    int64_t kmax = sizes[n_sizes - 1];
    int64_t max_chunks = kmax / (CHUNK / 2) + 2;
    uint64_t *bits = calloc((size_t)((n + 63) >> 6), sizeof(uint64_t));
    int64_t *drawn = malloc((size_t)kmax * sizeof(int64_t));
    int64_t *order = malloc((size_t)max_chunks * sizeof(int64_t));
    double *last = malloc((size_t)max_chunks * sizeof(double));
    chunk_t *pool = malloc((size_t)max_chunks * sizeof(chunk_t));
    double *store = malloc((size_t)max_chunks * CHUNK_DOUBLES * sizeof(double));
    if (!bits || !drawn || !order || !last || !pool || !store) {
        free(bits); free(drawn); free(order); free(last); free(pool); free(store);
        return -1;
    }
    for (int64_t c = 0; c < max_chunks; c++) { /* lsx[0..CHUNK+3], mq[0..CHUNK+2] with padding */
        pool[c].lsx = store + c * CHUNK_DOUBLES;
        pool[c].mq = pool[c].lsx + CHUNK + 4;
    }
    for (int64_t j = 0; j < n_samples; j++) {
        int64_t c = 0, n_chunks = 1;
        order[0] = 0;
        last[0] = INFINITY;
        pool[0].len = 0;
        pool[0].lsx[0] = 0.0;
        for (int64_t si = 0; si < n_sizes; si++) {
            int64_t target = sizes[si];
            int bulk = target - c >= BULK_GAP; /* many members before the next score: rebuild */
            while (c < target) {
                int64_t p = (int64_t)(next_double(state) * (double)n);
                uint64_t bit = UINT64_C(1) << (p & 63);
                if (bits[p >> 6] & bit) continue;
                bits[p >> 6] |= bit;
                drawn[c++] = p;
                if (!bulk) chunk_insert(pool, order, last, &n_chunks, p, wq[p]);
            }
            if (bulk) n_chunks = chunks_from_bits(pool, order, last, bits, n, wq);
            out[si * out_stride + j] = cmp_value(pool, order, n_chunks, target, n);
        }
        for (int64_t i = 0; i < kmax; i++) bits[drawn[i] >> 6] = 0;
    }
    free(bits); free(drawn); free(order); free(last); free(pool); free(store);
    return 0;
}
