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

#ifndef CHUNK
#define CHUNK 32
#endif
#define CHUNK_DOUBLES (2 * CHUNK + 8)
/* New members at once from which the chunks are rebuilt instead of inserted one by one. */
#define BULK_GAP 32
/* Bound updates of a chunk (cmp_lazy) between two folds of it. */
#define MAX_UPDATES 64

/* A run of consecutive members (in ranking order): len members, lsx[0..len], mq[0..len), and the
 * bounds of cmp_lazy: the chunk's extremes htop, hbot relative to it at lambda lam, stale when
 * dirty (the chunk changed since). */
typedef struct {
    int64_t len;
    double *lsx, *mq;
    double htop, hbot, lam;
    int64_t dirty, updates;
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

/* The comparison ES from the extremes of S_i - lambda m_i and S_{i-1} - lambda m_i. */
static inline double pick_extreme(double top, double bottom, double nr) {
    top = py_min(top / nr, 1.0);
    bottom = py_max(bottom / nr, -1.0);
    if (top > -bottom) return top;
    if (top < -bottom) return bottom;
    return 0.0;
}

/* pick_extreme, and when tb is not NULL its inputs: tb[0..2] = top / nr, bottom / nr (clamped to
 * [-1, 1] as there) and the quantised total weight (0: every member weighs 0 after rounding). */
static inline double pick_record(double top, double bottom, double nr, double nr_q, double *tb) {
    if (tb) {
        tb[0] = py_min(top / nr, 1.0);
        tb[1] = py_max(bottom / nr, -1.0);
        tb[2] = nr_q;
    }
    return pick_extreme(top, bottom, nr);
}

/* The comparison ES of the k members held by chunks[order[0..n_chunks)] in a ranking of n
 * (tb: see pick_record). */
static double cmp_value(const chunk_t *chunks, const int64_t *order, int64_t n_chunks, int64_t k,
                        int64_t n, double *tb) {
    double nr = 0.0, top = -INFINITY, bottom = INFINITY;
    for (int64_t c = 0; c < n_chunks; c++) nr += chunks[order[c]].lsx[chunks[order[c]].len];
    double bsum = 0.0, bcnt = 0.0, nr_q = nr;
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
    return pick_record(top, bottom, nr, nr_q, tb);
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
        out[s] = cmp_value(&ch, &zero, 1, ch.len, n, NULL);
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

/* ---------------------------------------------------------------------------- the chunked set */
/* The growing random set: pool[order[0..n_chunks)] in ranking order, last[c] the last position
 * held by chunk order[c]. For cmp_lazy (unless full), per position c in that order: bsum[c],
 * bcnt[c] the weight and members of the chunks before it (exact integers), qlo[c], qhi[c] its
 * first and last mq, and ktop[c], kbot[c] its bounds (+-infinity while dirty); nr the total
 * weight (exact), lam_max the largest lambda scored and zmax the largest Z (see cmp_lazy); ct and
 * cb the positions of the chunks that held the last max and min, and seen[c] == tick when chunk
 * c was folded for the size being scored. */
typedef struct {
    chunk_t *pool;
    int64_t *order;
    double *last, *bsum, *bcnt, *qlo, *qhi, *ktop, *kbot, *seen;
    int64_t n_chunks, full, ct, cb;
    double nr, lam_max, zmax, tick;
} chunkset_t;

/* Bounds after member lo (weight wp) was inserted (see cmp_lazy): members after it gained wp and
 * one hit before them, so their terms rose by wp + lam; the new member's terms are computed.
 * After MAX_UPDATES such updates without a fold, the chunk is folded again. */
static inline void bounds_insert(chunk_t *ch, int64_t lo, double wp) {
    double lam = ch->lam, shift = lo < ch->len - 1 ? wp + lam : 0.0;
    ch->htop = py_max(ch->htop + shift, ch->lsx[lo + 1] - lam * ch->mq[lo]);
    ch->hbot = py_min(ch->hbot, ch->lsx[lo] - lam * ch->mq[lo]);
    if (++ch->updates > MAX_UPDATES) ch->dirty = 1;
}

/* Bounds of the halves of a chunk split at h: the upper half's terms, relative to its own start,
 * are lower by lsx[h] + lam h. */
static inline void bounds_split(chunk_t *ch, chunk_t *nc, int64_t h) {
    double d = ch->lsx[h] + ch->lam * (double)h;
    nc->htop = ch->htop - d;
    nc->hbot = ch->hbot - d;
    nc->lam = ch->lam;
    nc->dirty = ch->dirty;
    nc->updates = ++ch->updates;
    if (ch->updates > MAX_UPDATES) ch->dirty = nc->dirty = 1;
}

/* The bound coefficients of position c from its chunk (cmp_lazy reads them in order). */
static inline void bounds_refresh(chunkset_t *st, int64_t c) {
    const chunk_t *ch = st->pool + st->order[c];
    st->qlo[c] = ch->mq[0];
    st->qhi[c] = ch->mq[ch->len - 1];
    st->ktop[c] = ch->dirty ? INFINITY : ch->htop + ch->lam * st->qlo[c];
    st->kbot[c] = ch->dirty ? -INFINITY : ch->hbot + ch->lam * st->qhi[c];
}

/* Split full chunk c in two halves: the upper half moves to a fresh chunk at position c + 1,
 * relative to its own start. */
static void chunk_split(chunkset_t *st, int64_t c) {
    chunk_t *ch = st->pool + st->order[c];
    int64_t h = CHUNK / 2, fresh = st->n_chunks, tail = st->n_chunks - c - 1;
    chunk_t *nc = st->pool + fresh;
    nc->len = ch->len - h;
    if (!st->full) bounds_split(ch, nc, h);
    nc->lsx[0] = 0.0;
    for (int64_t j = 0; j < nc->len; j++) {
        nc->mq[j] = ch->mq[j + h] + (double)h;
        nc->lsx[j + 1] = ch->lsx[j + h + 1] - ch->lsx[h];
    }
    ch->len = h;
    chunk_pad(ch);
    chunk_pad(nc);
    memmove(st->order + c + 2, st->order + c + 1, (size_t)tail * sizeof(int64_t));
    memmove(st->last + c + 2, st->last + c + 1, (size_t)tail * sizeof(double));
    st->order[c + 1] = fresh;
    st->last[c + 1] = nc->mq[nc->len - 1] + (double)(nc->len - 1);
    st->last[c] = ch->mq[h - 1] + (double)(h - 1);
    st->n_chunks++;
    if (st->full) return;
    double *arrays[] = {st->bsum, st->bcnt, st->qlo, st->qhi, st->ktop, st->kbot};
    for (int a = 0; a < 6; a++)
        memmove(arrays[a] + c + 2, arrays[a] + c + 1, (size_t)tail * sizeof(double));
    st->bsum[c + 1] = st->bsum[c] + ch->lsx[h];
    st->bcnt[c + 1] = st->bcnt[c] + (double)h;
    bounds_refresh(st, c);
    bounds_refresh(st, c + 1);
}

/* Insert position p (weight wp) into the chunked sorted set; a chunk that becomes full splits in
 * two halves (pool has room for every chunk). */
static void chunk_insert(chunkset_t *st, int64_t p, double wp) {
    double dp = (double)p;
    /* the first chunk whose last member lies after p (else the last chunk), then the number of
     * the chunk's members before p: counts of comparisons, no data-dependent branches */
    int64_t c = count_below(st->last, st->n_chunks - 1, 0.0, dp);
    chunk_t *ch = st->pool + st->order[c];
    int64_t lo = count_below(ch->mq, ch->len, 1.0, dp);
    shift_up(ch, lo, wp);
    ch->mq[lo] = (double)(p - lo);
    ch->lsx[lo + 1] = ch->lsx[lo] + wp;
    ch->len++;
    st->nr += wp;
    if (!st->full) {
        if (!ch->dirty) bounds_insert(ch, lo, wp);
        for (int64_t d = c + 1; d < st->n_chunks; d++) { /* the chunks after it */
            st->bsum[d] += wp;
            st->bcnt[d] += 1.0;
        }
    }
    if (ch->len == CHUNK) {
        chunk_split(st, c);
        return;
    }
    if (lo == ch->len - 1) st->last[c] = dp;
    chunk_pad(ch);
    if (!st->full) bounds_refresh(st, c);
}

/* All drawn members, in ranking order from the bitset, packed into fresh (dirty) chunks of 3/4
 * CHUNK (room for later insertions). Cheaper than BULK_GAP or more single insertions:
 * O(n / 64 + k). */
static void chunks_from_bits(chunkset_t *st, const uint64_t *bits, int64_t n, const double *wq) {
    int64_t n_chunks = 0, fill = (3 * CHUNK) / 4;
    chunk_t *ch = st->pool;
    ch->len = 0;
    ch->lsx[0] = 0.0;
    for (int64_t word = 0; word < (n + 63) >> 6; word++) {
        for (uint64_t y = bits[word]; y; y &= y - 1) {
            if (ch->len == fill) { /* close this chunk, open the next */
                chunk_pad(ch);
                st->order[n_chunks] = n_chunks;
                st->last[n_chunks] = ch->mq[ch->len - 1] + (double)(ch->len - 1);
                ch = st->pool + ++n_chunks;
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
    st->order[n_chunks] = n_chunks;
    st->last[n_chunks] = ch->mq[ch->len - 1] + (double)(ch->len - 1);
    st->n_chunks = n_chunks + 1;
    double bsum = 0.0, bcnt = 0.0;
    for (int64_t c = 0; c < st->n_chunks; c++) {
        ch = st->pool + c;
        ch->dirty = 1;
        st->bsum[c] = bsum;
        st->bcnt[c] = bcnt;
        bsum += ch->lsx[ch->len];
        bcnt += (double)ch->len;
        bounds_refresh(st, c);
    }
    st->nr = bsum;
}

/* ---------------------------------------------------------------------------- lazy scoring */
/* cmp_value's extremes without folding every chunk for every size: the same bits, O(chunks) plus
 * the few chunks that can hold an extreme.
 *
 * Relative to its chunk, member i's top term is t_i(lambda) = lsx[i+1] - lambda mq[i]; its global
 * term is base + t_i with base = bsum + lambda bcnt. When a chunk is folded at lambda_c, htop =
 * (its largest term) - base bounds every t_i(lambda_c) from above (up to rounding); t_i falls at
 * rate mq[i] >= mq[0] as lambda grows, so for lambda >= lambda_c every global top term is below
 *     U = base + htop - (lambda - lambda_c) mq[0] = (ktop + bsum) - lambda (mq[0] - bcnt),
 * ktop = htop + lambda_c mq[0], and mirrored (rate mq[len-1]) every bottom term is above
 * L = (kbot + bsum) - lambda (mq[len-1] - bcnt). Members entering other chunks change only bsum
 * and bcnt, which are kept per chunk; one entering this chunk updates htop and hbot
 * (bounds_insert, bounds_split), and a fresh chunk is dirty (folded, U = +infinity).
 *
 * lambda never decreases along a sample (N_R grows, n - k shrinks, rounding is monotone); still,
 * a lambda below the largest one scored so far (the bounds hold for lambda >= lambda_c only) is
 * scored by cmp_value.
 *
 * Rounding: every number involved (S, lambda m, lambda mq, lambda bcnt, their sums) is at most
 * 4 Z in size, Z = N_R + lambda n, so each float operation errs by at most 2^-51 Z, and a bound
 * (at most 3 MAX_UPDATES + 12 operations from the fold it started at) by less than 2^-42 Zmax,
 * Zmax the largest Z of the sample so far. A chunk is skipped only when U + 2^-40 Zmax is below
 * the largest term folded so far (L - 2^-40 Zmax above the smallest): its terms are then strictly
 * below (above) it and cannot change the float max (min). The chunks that are folded give exactly
 * cmp_value's terms (the same two exact integers and the same float expression), and a float max
 * (min) does not depend on the order, so the score is bit-identical to cmp_value's. The chunks
 * that held the last size's extremes are folded first, so the thresholds are tight at once. */
static inline void scan_chunk(chunkset_t *st, int64_t c, double lambda, double *top, double *bottom) {
    chunk_t *ch = st->pool + st->order[c];
    extremes_t e;
    double t, b, bsum = st->bsum[c], bcnt = st->bcnt[c], base = bsum + lambda * bcnt;
    extremes_init(&e);
    fold_chunk(&e, ch, bsum, bcnt, lambda);
    extremes_result(&e, &t, &b);
    ch->htop = t - base;
    ch->hbot = b - base;
    ch->lam = lambda;
    ch->dirty = 0;
    ch->updates = 0;
    bounds_refresh(st, c);
    st->seen[c] = st->tick;
    *top = py_max(*top, t);
    *bottom = py_min(*bottom, b);
}

/* cmp_value of the k members of st in a ranking of n (see above; tb: see pick_record). */
static double cmp_lazy(chunkset_t *st, int64_t k, int64_t n, double *tb) {
    double nr = st->nr, lambda = nr / (double)(n - k);
    if (nr == 0.0 || lambda < st->lam_max)
        return cmp_value(st->pool, st->order, st->n_chunks, k, n, tb);
    st->lam_max = lambda;
    st->zmax = py_max(st->zmax, nr + lambda * (double)n);
    double margin = st->zmax * 0x1p-40, top = -INFINITY, bottom = INFINITY;
    int64_t nc = st->n_chunks, ct = st->ct < nc ? st->ct : nc - 1, cb = st->cb < nc ? st->cb : nc - 1;
    double tick = st->tick += 1.0;
    scan_chunk(st, ct, lambda, &top, &bottom); /* last size's extremes first: tight at once */
    if (cb != ct) scan_chunk(st, cb, lambda, &top, &bottom);
    for (int64_t c = 0; c < nc; c++) {
        double t0 = top, b0 = bottom;
        if (st->seen[c] != tick
            && ((st->ktop[c] + st->bsum[c]) - lambda * (st->qlo[c] - st->bcnt[c]) + margin >= top
                || (st->kbot[c] + st->bsum[c]) - lambda * (st->qhi[c] - st->bcnt[c]) - margin <= bottom))
            scan_chunk(st, c, lambda, &top, &bottom);
        if (top > t0) ct = c;
        if (bottom < b0) cb = c;
    }
    st->ct = ct;
    st->cb = cb;
    return pick_record(top, bottom, nr, nr, tb);
}

/* ---------------------------------------------------------------------------- the null */
/* Nested null of comparison ES (see above): out[si * out_stride + j] for sizes[si] in sample j,
 * scored by cmp_lazy, or by cmp_value when full (the reference the tests compare with). When
 * rec is not NULL it also records sample j's members in drawing order, rec[j * kmax + i], and
 * tb[(si * n_samples + j) * 3 + 0..2] what pick_record gives (multilevel_first.c screens the
 * multilevel scores with them). Returns 0, or -1 when scratch memory cannot be allocated. */
static int64_t null_cumulative(const double *wq, int64_t n, const int64_t *sizes, int64_t n_sizes,
                               int64_t n_samples, void *state, double (*next_double)(void *),
                               double *out, int64_t out_stride, int64_t full, int32_t *rec,
                               double *tb) {
    int64_t kmax = sizes[n_sizes - 1];
    int64_t max_chunks = kmax / (CHUNK / 2) + 2;
    uint64_t *bits = calloc((size_t)((n + 63) >> 6), sizeof(uint64_t));
    int64_t *drawn = malloc((size_t)kmax * sizeof(int64_t));
    chunkset_t st = {malloc((size_t)max_chunks * sizeof(chunk_t)),
                     malloc((size_t)max_chunks * sizeof(int64_t)),
                     malloc((size_t)max_chunks * 9 * sizeof(double))};
    double *store = malloc((size_t)max_chunks * CHUNK_DOUBLES * sizeof(double));
    if (!bits || !drawn || !st.pool || !st.order || !st.last || !store) {
        free(bits); free(drawn); free(st.pool); free(st.order); free(st.last); free(store);
        return -1;
    }
    double **arrays[] = {&st.bsum, &st.bcnt, &st.qlo, &st.qhi, &st.ktop, &st.kbot, &st.seen};
    for (int a = 0; a < 7; a++) *arrays[a] = st.last + (a + 1) * max_chunks;
    st.full = full;
    st.tick = 0.0;
    for (int64_t c = 0; c < max_chunks; c++) st.seen[c] = 0.0;
    for (int64_t c = 0; c < max_chunks; c++) { /* lsx[0..CHUNK+3], mq[0..CHUNK+2] with padding */
        st.pool[c].lsx = store + c * CHUNK_DOUBLES;
        st.pool[c].mq = st.pool[c].lsx + CHUNK + 4;
    }
    for (int64_t j = 0; j < n_samples; j++) {
        int64_t c = 0;
        st.n_chunks = 1;
        st.order[0] = 0;
        st.last[0] = INFINITY;
        st.pool[0].len = 0;
        st.pool[0].dirty = 1;
        st.pool[0].lsx[0] = 0.0;
        st.bsum[0] = st.bcnt[0] = st.nr = st.lam_max = st.zmax = 0.0;
        st.ct = st.cb = 0;
        for (int64_t si = 0; si < n_sizes; si++) {
            int64_t target = sizes[si];
            int bulk = target - c >= BULK_GAP; /* many members before the next score: rebuild */
            while (c < target) {
                int64_t p = draw_new(bits, n, next_double, state);
                drawn[c++] = p;
                if (!bulk) chunk_insert(&st, p, wq[p]);
            }
            if (bulk) chunks_from_bits(&st, bits, n, wq);
            double *tbj = rec ? tb + (si * n_samples + j) * 3 : NULL;
            out[si * out_stride + j] = full ? cmp_value(st.pool, st.order, st.n_chunks, target, n, tbj)
                                            : cmp_lazy(&st, target, n, tbj);
        }
        if (rec)
            for (int64_t i = 0; i < kmax; i++) rec[j * kmax + i] = (int32_t)drawn[i];
        for (int64_t i = 0; i < kmax; i++) bits[drawn[i] >> 6] = 0;
    }
    free(bits); free(drawn); free(st.pool); free(st.order); free(st.last); free(store);
    return 0;
}

int64_t mamsets_gsea_null_cumulative(const double *wq, int64_t n, const int64_t *sizes, int64_t n_sizes,
                                     int64_t n_samples, void *state, double (*next_double)(void *),
                                     double *out, int64_t out_stride) {
    return null_cumulative(wq, n, sizes, n_sizes, n_samples, state, next_double, out, out_stride, 0,
                           NULL, NULL);
}

/* The same null scored by cmp_value, every member of every size (the reference of the tests). */
int64_t mamsets_gsea_null_cumulative_full(const double *wq, int64_t n, const int64_t *sizes,
                                          int64_t n_sizes, int64_t n_samples, void *state,
                                          double (*next_double)(void *), double *out,
                                          int64_t out_stride) {
    return null_cumulative(wq, n, sizes, n_sizes, n_samples, state, next_double, out, out_stride, 1,
                           NULL, NULL);
}

/* The lazy null, also recording every sample's members and the screening data (see
 * null_cumulative): the shared first stage of the multilevel p-values (_multilevel_shared.py). */
int64_t mamsets_gsea_null_cumulative_record(const double *wq, int64_t n, const int64_t *sizes,
                                            int64_t n_sizes, int64_t n_samples, void *state,
                                            double (*next_double)(void *), double *out,
                                            int64_t out_stride, int32_t *rec, double *tb) {
    return null_cumulative(wq, n, sizes, n_sizes, n_samples, state, next_double, out, out_stride, 0,
                           rec, tb);
}
