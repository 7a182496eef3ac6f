/* The ladder of the multilevel p-values for one (size, sign) work unit.
 *
 * Adaptive multilevel splitting as in fgsea (Korotkevich et al., bioRxiv 060012): a sample of S
 * random sets of size K; the median of their (ES, hash) keys is the next level; the sets above
 * it survive and are copied back to S, then each is moved by a Metropolis random walk (swap one
 * member for one non-member, accept only if the key stays above the level; the uniform law on
 * those sets is stationary) until S * K moves were accepted. Each passage multiplies the tail
 * probability by about 1/2, with an expected log known from order statistics. The bookkeeping of
 * the estimate is in mamsets/engines/_multilevel.py; this file is the part that makes millions of
 * data-dependent moves.
 *
 * Speed: every sample is stored as membership bits over the ranking and by 2 sqrt(K) chunks
 * of it (boundaries at the samples' median order statistics, reset at each level) with
 * per-chunk hit counts and weight sums. A proposed swap is first tested in O(1) at the last
 * known peak of the walk (fast_accept); else bounds of each chunk's maximum and minimum limit
 * the exact scan to the chunks that can matter (exceeds). A chunk's hits are read in
 * increasing position from the bits, so a swap and its undo are O(1) and nothing is ever
 * sorted; the bound of a chunk's own peak is kept from its last scan and loosened by each hit
 * added to it. Both paths decide exactly as a full recomputation of ES would.
 */
#include "multilevel.h"

#include <string.h>

/* Cap on random-walk attempts per level, in units of the S * K accepted moves and in absolute
 * terms (dense sets, K close to N, rarely propose a non-member). */
#define ML_MAX_ATTEMPT_FACTOR 200
#define ML_MAX_ATTEMPTS_PER_LEVEL 20000000

/* What a proposal reads about a gene, in 16 bytes: its weight and its random key (N of them fit
 * in L2 for N up to ~50,000; the chunk of each position is a separate small array). */
typedef struct {
    double w;
    uint64_t zob;
} gene_t;

/* The S samples of one level: membership bits, members, and per-chunk hit counts and weight
 * sums over a partition of the ranking into chunks. */
typedef struct {
    int64_t s_n, k, n, n_chunks;
    int64_t *bnd;       /* [n_chunks + 1] chunk c holds positions [bnd[c], bnd[c + 1]) */
    gene_t *genes;      /* [n] weight and key of each position */
    uint16_t *chunk_of; /* [n] chunk holding each position (n_chunks <= 2 sqrt(K) < 2**16) */
    int64_t *cnt;       /* [s_n][n_chunks] hits per chunk */
    double *csum;       /* [s_n][n_chunks] weight sum per chunk */
    double *cmax;       /* [s_n][n_chunks] bound of the chunk's own peak, see exceeds() */
    double *cq2;        /* [s_n][n_chunks] the 1 / NR that bound was made at (0: no bound) */
    double *nr;         /* [s_n] total weight of each sample (exactly 0 when npos is 0) */
    double *drift;      /* [s_n][2] roundings since the sums were exact, and the largest
                         * value the sums reached meanwhile (see ML_DRIFT_BUDGET) */
    int64_t *npos;      /* [s_n] members of positive weight */
    int64_t *members;   /* [s_n][k] members, unsorted */
    uint64_t *is_member; /* [s_n][n_words] membership bits: a chunk's hits in increasing order */
    int64_t n_words;    /* (n + 63) / 64 */
    double *cand;       /* [s_n][6] last known peak / depth of the walk, see exceeds() */
    uint8_t *has_cand;  /* [s_n] */
    double *scratch;    /* [2 * n_chunks] ub, ystart for exceeds() */
    int64_t *hstart;    /* [n_chunks] */
} store_t;

static void store_free(store_t *st) {
    free(st->bnd);
    free(st->genes);
    free(st->chunk_of);
    free(st->cnt);
    free(st->csum);
    free(st->cmax);
    free(st->cq2);
    free(st->nr);
    free(st->drift);
    free(st->npos);
    free(st->members);
    free(st->is_member);
    free(st->cand);
    free(st->has_cand);
    free(st->scratch);
    free(st->hstart);
}

/* 2 sqrt(K) chunks (1-3 sqrt(K) measured flat). Returns 0 when out of memory. */
static int store_alloc(store_t *st, int64_t s_n, int64_t k, int64_t n) {
    int64_t nc = (int64_t)(2.0 * sqrt((double)k));
    if (nc < 1) nc = 1;
    st->s_n = s_n;
    st->k = k;
    st->n = n;
    st->n_chunks = nc;
    st->bnd = malloc((size_t)(nc + 1) * sizeof(int64_t));
    st->genes = malloc((size_t)n * sizeof(gene_t));
    st->chunk_of = malloc((size_t)n * sizeof(uint16_t));
    st->cnt = calloc((size_t)(s_n * nc), sizeof(int64_t));
    st->csum = calloc((size_t)(s_n * nc), sizeof(double));
    st->cmax = calloc((size_t)(s_n * nc), sizeof(double));
    st->cq2 = calloc((size_t)(s_n * nc), sizeof(double));
    st->nr = malloc((size_t)s_n * sizeof(double));
    st->drift = calloc((size_t)(2 * s_n), sizeof(double));
    st->npos = malloc((size_t)s_n * sizeof(int64_t));
    st->members = malloc((size_t)(s_n * k) * sizeof(int64_t));
    st->n_words = (n + 63) >> 6;
    st->is_member = calloc((size_t)(s_n * st->n_words), sizeof(uint64_t));
    st->cand = calloc((size_t)(s_n * 6), sizeof(double));
    st->has_cand = calloc((size_t)s_n, 1);
    st->scratch = malloc((size_t)(2 * nc) * sizeof(double));
    st->hstart = malloc((size_t)nc * sizeof(int64_t));
    return st->bnd && st->genes && st->chunk_of && st->cnt && st->csum && st->cmax && st->cq2 &&
           st->nr && st->drift && st->npos && st->members && st->is_member && st->cand &&
           st->has_cand && st->scratch && st->hstart;
}

/* Added to a cached bound of a chunk's peak (in units of the normalised walk) to cover the
 * rounding of the sums it comes from: at most ML_DRIFT_BUDGET (see walk_level) plus the
 * rounding of one scan; far below ML_ES_TOL. */
#define ML_BOUND_SLACK 4e-11

/* Visit the hits of chunk c of membership bits ism in increasing position: for each, `p` is the
 * position and `t` the hits of the chunk before it; BODY may `return`. The scan stops at the
 * chunk's m-th hit, so empty words after it are not read. */
#define FOR_CHUNK_HITS(ism, b0, b1, m, BODY)                                                      \
    do {                                                                                          \
        int64_t wi_ = (b0) >> 6, wl_ = ((b1) - 1) >> 6, t = 0;                                    \
        uint64_t bits_ = (ism)[wi_] & (~(uint64_t)0 << ((b0) & 63));                              \
        for (;;) {                                                                                \
            if (wi_ == wl_) bits_ &= ~(uint64_t)0 >> (63 - (((b1) - 1) & 63));                   \
            while (bits_) {                                                                       \
                int64_t p = (wi_ << 6) + tz64(bits_);                                     \
                bits_ &= bits_ - 1;                                                               \
                BODY;                                                                             \
                t++;                                                                              \
            }                                                                                     \
            if (wi_ == wl_ || t == (m)) break;                                                    \
            bits_ = (ism)[++wi_];                                                                 \
        }                                                                                         \
    } while (0)

/* True when the signed ES of sample s (its membership bits, its chunks' hit counts and weight
 * sums, NR nr) is > level (level > -1e-9). nr == 0 (every member weighs 0): each
 * hit steps 1/K, as in ml_signed_es_nr, so a chunk's hit count stands for its weight sum and
 * each hit for its weight.
 *
 * From a chunk's weight sum and hit count come an upper bound of the running sum at its hits
 * and a lower bound just before them, so only chunks that can matter are scanned hit by hit
 * (in increasing position, from the membership bits). On success its peak record cand
 * receives [peak position, weight prefix through it, misses before it, depth, chunk of the
 * peak, chunk of the deepest point], depth being the exact -min of the running sum; its last
 * two entries are read as hints (the chunks scanned first). */
static int exceeds(const store_t *st, int64_t s, double nr, const double *w, double q1,
                   double level) {
    int64_t o = s * st->n_chunks;
    const uint64_t *ism = st->is_member + s * st->n_words;
    const int64_t *cn = st->cnt + o;
    const double *csum = st->csum + o;
    double *cmax = st->cmax + o, *cq2 = st->cq2 + o, *cand = st->cand + s * 6;
    int64_t n_chunks = st->n_chunks, k = st->k;
    const int64_t *bnd = st->bnd;
    double *ub = st->scratch, *ystart = st->scratch + n_chunks;
    int64_t *hstart = st->hstart;
    int unit = !(nr > 0.0);
    double q2 = unit ? 1.0 / (double)k : 1.0 / nr;
    double y = 0.0, max_ub = -INFINITY;
    int64_t h = 0;
    for (int64_t c = 0; c < n_chunks; c++) {
        int64_t m = cn[c];
        double cs = unit ? (double)m : csum[c];
        ystart[c] = y;
        hstart[c] = h;
        if (m > 0) {
            /* the walk at the chunk's start plus all its weight; or plus the bound of the
             * chunk's own peak, made at 1 / NR = cq2 (its hits' weight prefixes are at most
             * cs: a larger 1 / NR raises them by at most cs times the difference) */
            /* (no slack: a drift of the sums within ML_DRIFT_BUDGET can move a decision only
             * for scores that close to the level, far inside ML_ES_TOL) */
            double u = (y + cs) * q2 - (double)(bnd[c] - h) * q1;
            if (!unit && cq2[c] > 0.0) {
                double start = y * q2 - (double)(bnd[c] - h) * q1;
                double dq = q2 - cq2[c];
                double u2 = start + cmax[c] + (dq > 0.0 ? cs * dq : 0.0) + ML_BOUND_SLACK;
                if (u2 < u) u = u2;
            }
            ub[c] = u;
            max_ub = py_max(max_ub, u);
        }
        y += cs;
        h += m;
    }
    if (max_ub <= level) return 0;
    /* exact peak: the chunk of the previous peak first, then only chunks whose bound beats the
     * best value so far */
    double amax = -INFINITY, best_y = 0.0;
    int64_t best_p = -1, best_x = 0, best_c = -1;
    int64_t hint = (int64_t)cand[4];
    for (int64_t i = 0; i < n_chunks + 1; i++) {
        int64_t c = i == 0 ? hint : i - 1;
        if (i > 0 && c == hint) continue;
        int64_t m = cn[c];
        if (m > 0 && ub[c] > level && ub[c] > amax) {
            double yy = ystart[c];
            int64_t x0 = hstart[c];
            double own = -INFINITY; /* the chunk's own peak */
            FOR_CHUNK_HITS(ism, bnd[c], bnd[c + 1], m, {
                yy += unit ? 1.0 : w[p];
                double a = yy * q2 - (double)(p - x0 - t) * q1;
                own = py_max(own, a);
                if (a > amax) {
                    amax = a;
                    best_p = p;
                    best_x = p - x0 - t;
                    best_y = yy;
                    best_c = c;
                }
            });
            if (!unit) { /* above the walk at the chunk's start, at least 0 */
                double rel = own - (ystart[c] * q2 - (double)(bnd[c] - x0) * q1);
                cmax[c] = rel > 0.0 ? rel : 0.0;
                cq2[c] = q2;
            }
        }
    }
    if (amax <= level) return 0;
    /* exact depth below zero, same pruning, rejecting as soon as it reaches the peak */
    double depth = 0.0;
    int64_t deep_c = (int64_t)cand[5];
    hint = deep_c;
    for (int64_t i = 0; i < n_chunks + 1; i++) {
        int64_t c = i == 0 ? hint : i - 1;
        if (i > 0 && c == hint) continue;
        int64_t m = cn[c];
        /* lower bound of the running sum just before the chunk's hits: all misses first */
        if (m > 0 && -(ystart[c] * q2 - (double)(bnd[c + 1] - hstart[c] - m) * q1) > depth) {
            double yy = ystart[c];
            int64_t x0 = hstart[c];
            FOR_CHUNK_HITS(ism, bnd[c], bnd[c + 1], m, {
                double d = (double)(p - x0 - t) * q1 - yy * q2;
                if (d > depth) {
                    /* ES <= 0 (a tie, ES = 0, passes a negative level only) */
                    if (d >= amax - ML_TIE_TOL && (level >= 0.0 || d > amax + ML_TIE_TOL)) return 0;
                    depth = d;
                    deep_c = c;
                }
                yy += unit ? 1.0 : w[p];
            });
        }
    }
    cand[0] = (double)best_p;
    cand[1] = best_y;
    cand[2] = (double)best_x;
    cand[3] = depth;
    cand[4] = (double)best_c;
    cand[5] = (double)deep_c;
    return 1;
}

/* ES and hash of every sample, and `order` sorting them by the (ES, hash) key. */
static void score_and_sort(const int64_t *flat, int64_t s_n, int64_t k, const double *w, int64_t n,
                           const uint64_t *zob, double *scores, uint64_t *hashes, int64_t *order) {
    for (int64_t s = 0; s < s_n; s++) {
        const int64_t *row = flat + s * k;
        scores[s] = ml_signed_es(row, k, w, n);
        uint64_t hh = 0;
        for (int64_t j = 0; j < k; j++) hh ^= zob[row[j]];
        hashes[s] = hh;
    }
    ml_sort_keys(scores, hashes, order, s_n);
}

/* Kill the samples below the median, copy each survivor S // m times, fill at random. */
static void resample(int64_t *flat, int64_t *tmp_flat, int64_t s_n, int64_t k,
                     const int64_t *order, int64_t first, uint64_t *rng) {
    int64_t n_surv = s_n - first, copies = s_n / n_surv;
    size_t row = (size_t)k * sizeof(int64_t);
    for (int64_t t = 0; t < n_surv; t++)
        for (int64_t cc = 0; cc < copies; cc++)
            memcpy(tmp_flat + (t * copies + cc) * k, flat + order[first + t] * k, row);
    for (int64_t t = n_surv * copies; t < s_n; t++)
        memcpy(tmp_flat + t * k, flat + order[first + ml_randint(rng, n_surv)] * k, row);
    memcpy(flat, tmp_flat, (size_t)s_n * row);
}

/* Chunk boundaries: medians over samples of evenly spaced order statistics. */
static void set_chunks(const int64_t *flat, store_t *st, int64_t *column) {
    int64_t s_n = st->s_n, k = st->k, nc = st->n_chunks;
    int64_t *bnd = st->bnd;
    bnd[0] = 0;
    bnd[nc] = st->n;
    for (int64_t c = 1; c < nc; c++) {
        int64_t idx = (c * k) / nc;
        for (int64_t s = 0; s < s_n; s++) column[s] = flat[s * k + idx];
        int64_t b = ml_select_i64(column, s_n, s_n / 2);
        bnd[c] = bnd[c - 1] > b ? bnd[c - 1] : b;
    }
    for (int64_t c = 0; c < nc; c++)
        for (int64_t v = bnd[c]; v < bnd[c + 1]; v++) st->chunk_of[v] = (uint16_t)c;
}

static double resum(store_t *st, int64_t s);

/* Store every sample by chunks (counts, weight sums), as members and membership bits, and its
 * hash. */
static void fill_chunks(const int64_t *flat, const double *w, const uint64_t *zob,
                        uint64_t *hashes, store_t *st) {
    int64_t s_n = st->s_n, k = st->k, nc = st->n_chunks;
    for (int64_t s = 0; s < s_n; s++) {
        const int64_t *row = flat + s * k;
        int64_t *cn = st->cnt + s * nc;
        uint64_t *ism = st->is_member + s * st->n_words;
        int64_t np_s = 0;
        for (int64_t c = 0; c < nc; c++) {
            cn[c] = 0;
            st->cq2[s * nc + c] = 0.0;
        }
        for (int64_t j = 0; j < k; j++) {
            int64_t p = row[j];
            cn[st->chunk_of[p]] += 1;
            np_s += w[p] > 0.0;
            st->members[s * k + j] = p;
            ism[p >> 6] |= (uint64_t)1 << (p & 63);
        }
        resum(st, s); /* weight sums and NR, exact */
        st->npos[s] = np_s;
        st->has_cand[s] = 0;
        uint64_t hh = 0;
        for (int64_t j = 0; j < k; j++) hh ^= zob[row[j]];
        hashes[s] = hh;
        st->cand[s * 6 + 4] = 0.0;
        st->cand[s * 6 + 5] = 0.0;
    }
}

/* Back to flat sorted rows (from the membership bits, which are then cleared). */
static void unchunk(int64_t *flat, store_t *st) {
    int64_t s_n = st->s_n, k = st->k, nw = st->n_words;
    for (int64_t s = 0; s < s_n; s++) {
        uint64_t *ism = st->is_member + s * nw;
        int64_t j = 0;
        for (int64_t wi = 0; wi < nw; wi++) {
            uint64_t bits = ism[wi];
            while (bits) {
                flat[s * k + j++] = (wi << 6) + tz64(bits);
                bits &= bits - 1;
            }
            ism[wi] = 0;
        }
    }
}

/* Rounding of the running weight sums. NR, the chunk sums and the peak record's weight prefix
 * are updated by adding and subtracting weights: each update rounds by at most 2**-53 times
 * the largest value the sums took (the set's NR is the largest), so after m updates they are
 * off by at most m 2**-53 NR_max. A gene far heavier than the rest of the set leaving it
 * makes that large next to the new NR (the sums keep the rounding of a value that was huge);
 * then the sums are made again exactly (resum) before the swap is decided, else a chunk's
 * bound or a recomputed score could be off by more than ML_BOUND_SLACK (seen with weights
 * spanning 1e8 and more). With ordinary weights a resum comes only after ~90,000 roundings
 * (a level of a large set with few acceptances): one O(N / 64 + K) pass. The count is
 * conservative (4 per swap, 8 per undone swap: about twice the roundings made). */
#define ML_ROUNDINGS_PER_SWAP 4.0
#define ML_DRIFT_BUDGET 1e-11

/* The chunk sums and NR of sample s made from its membership bits, summed in increasing
 * position (at each level's start, and again when rounding could mislead the walk); its
 * rounding count restarts. Returns NR. */
static double resum(store_t *st, int64_t s) {
    const uint64_t *ism = st->is_member + s * st->n_words;
    double nr = 0.0, *su = st->csum + s * st->n_chunks;
    for (int64_t c = 0; c < st->n_chunks; c++) su[c] = 0.0;
    for (int64_t wi = 0; wi < st->n_words; wi++)
        for (uint64_t bits = ism[wi]; bits; bits &= bits - 1) {
            int64_t p = (wi << 6) + tz64(bits);
            su[st->chunk_of[p]] += st->genes[p].w;
            nr += st->genes[p].w;
        }
    st->nr[s] = nr;
    st->drift[2 * s] = 0.0;
    st->drift[2 * s + 1] = nr;
    return nr;
}

/* Sample s keeps the swap of member r for gene v_new (its chunks and NR already hold it; the
 * caller updates the hash and the membership bits): members, weight count, rounding record.
 * A set of total weight 0 gets its sums set to exactly 0 (no rounding residue). */
static inline void keep_swap(store_t *st, int64_t s, int64_t r, int64_t v_new, int64_t np_new,
                             double n_round, double nr_max) {
    st->drift[2 * s] = np_new == 0 ? 0.0 : n_round;
    st->drift[2 * s + 1] = np_new == 0 ? 0.0 : nr_max;
    st->npos[s] = np_new;
    if (np_new == 0)
        for (int64_t c = 0; c < st->n_chunks; c++) st->csum[s * st->n_chunks + c] = 0.0;
    st->members[s * st->k + r] = v_new;
}

/* O(1) sufficient test that the swap old -> v_new keeps the key above the level.
 *
 * The running sum at the last known peak cd is updated exactly and the depth of the walk below 0
 * bounded (one swap moves every point of the walk by at most 2 max(w_old, w_new) / NR' +
 * 1 / (N - K)). The caller has checked that the peak is known and old is not the peak gene.
 * On success the record cd is updated for the swap. */
static inline int fast_accept(double *cd, int64_t old, int64_t v_new, double w_old, double w_new,
                              double nr_new, double q1, double lev_eff) {
    double cv = cd[0], cy = cd[1], cx = cd[2];
    if ((double)old < cv) {
        cy -= w_old;
        cx += 1.0;
    }
    if ((double)v_new < cv) {
        cy += w_new;
        cx -= 1.0;
    }
    double a = cy / nr_new - cx * q1;
    double depth = cd[3] + 2.0 * py_max(w_old, w_new) / nr_new + q1;
    if (!(a > lev_eff && a > depth + ML_TIE_TOL)) return 0;
    cd[1] = cy;
    cd[2] = cx;
    cd[3] = depth;
    return 1;
}

/* A hit of weight w_out leaves chunk c_out of sample s and one of weight w_in joins chunk c_in
 * (counts and weight sums, in this order). The hit added raises its chunk's walk after it by
 * at most its weight and one miss (a removed hit only lowers it): the bound of that chunk's
 * peak is loosened by as much and stays a bound. */
static inline void move_hit(store_t *st, int64_t s, int64_t c_out, int64_t c_in, double w_out,
                            double w_in, double q1) {
    int64_t o = s * st->n_chunks;
    st->cnt[o + c_out] -= 1;
    st->csum[o + c_out] -= w_out;
    st->cnt[o + c_in] += 1;
    st->csum[o + c_in] += w_in;
    st->cmax[o + c_in] += w_in * st->cq2[o + c_in] + q1;
}

/* Metropolis random walk of every sample restricted to (ES, hash) > (level, level_h), until
 * `target` moves were accepted (or the attempt cap). counters: [sweeps, fast accepts, full
 * checks, full accepts, attempts]. */
static void walk_level(const double *w, double level, uint64_t level_h, int64_t target,
                       uint64_t *rng, const uint64_t *zob, uint64_t *hashes, store_t *st,
                       int64_t *counters, int64_t *audit, int64_t *audit_pos) {
    int64_t n = st->n, k = st->k, s_n = st->s_n;
    double q1 = 1.0 / (double)(n - k);
    /* K / 2 proposals per visit of a sample (fgsea makes K / 10): the sample's arrays stay in
     * cache meanwhile. The stop is global (all samples' accepted moves), checked after each
     * visit, so no chain is stopped by its own acceptances (which would bias its law). */
    int64_t iters = k / 2 > 1 ? k / 2 : 1;
    int64_t moves = 0, attempts = 0;
    int64_t max_attempts = ML_MAX_ATTEMPT_FACTOR * target;
    if (max_attempts > ML_MAX_ATTEMPTS_PER_LEVEL) max_attempts = ML_MAX_ATTEMPTS_PER_LEVEL;
    while (moves < target && attempts < max_attempts) {
        counters[0] += 1;
        for (int64_t s = 0; s < s_n; s++) {
            double *cd = st->cand + s * 6;
            int64_t *mem = st->members + s * k;
            uint64_t *ism = st->is_member + s * st->n_words;
            /* proposals are drawn one ahead (same stream) to prefetch the next one's genes */
            uint64_t x = ml_next_u64(rng); /* a member (low half) and a gene (high half) */
            int64_t r_nx = ml_lemire((uint32_t)x, (uint32_t)k, rng);
            int64_t v_nx = ml_lemire((uint32_t)(x >> 32), (uint32_t)n, rng);
            for (int64_t it = 0; it < iters; it++) {
                attempts++;
                /* proposal: a uniform member out, a uniform gene in (a member: no move) */
                int64_t r_mem = r_nx, v_new = v_nx;
                if (it + 1 < iters) {
                    x = ml_next_u64(rng);
                    r_nx = ml_lemire((uint32_t)x, (uint32_t)k, rng);
                    v_nx = ml_lemire((uint32_t)(x >> 32), (uint32_t)n, rng);
                    __builtin_prefetch(st->genes + v_nx);
                    __builtin_prefetch(st->chunk_of + v_nx);
                    __builtin_prefetch(st->genes + mem[r_nx]);
                }
                int64_t old = mem[r_mem];
                if ((ism[v_new >> 6] >> (v_new & 63)) & 1) {
                    if (v_new == old) moves++;
                    continue;
                }
                const gene_t *g_old = st->genes + old, *g_new = st->genes + v_new;
                double w_old = g_old->w, w_new = g_new->w;
                double nr_old = st->nr[s];
                /* a set whose members all weigh 0 gets NR exactly 0 (not a rounding residue
                 * of the running sum): its hits then step 1/K, see exceeds() */
                int64_t np_new = st->npos[s] - (w_old > 0.0) + (w_new > 0.0);
                double nr_new = np_new > 0 ? nr_old - w_old + w_new : 0.0;
                /* the new set passes when (ES, hash) > (level, level_h): ES within ML_ES_TOL of
                 * the level counts as equal and the hash decides */
                uint64_t h_new = hashes[s] ^ g_old->zob ^ g_new->zob;
                double lev_eff = h_new > level_h ? level - ML_ES_TOL : level + ML_ES_TOL;
                int fast = 0;
                double *dr = st->drift + 2 * s; /* roundings so far, largest NR meanwhile */
                double n_round = dr[0] + ML_ROUNDINGS_PER_SWAP;
                double nr_max = py_max(dr[1], nr_old + w_new);
                /* resum before deciding when the rounding may be large next to the new NR
                 * (which can even round to 0 or below though members of weight > 0 remain) */
                int exact = np_new > 0 && n_round * nr_max * (1.0 / 9007199254740992.0) >
                                              ML_DRIFT_BUDGET * nr_new;
                /* the peak record is a weight prefix only when both sets weigh more than 0 */
                if (!exact && st->has_cand[s] && (double)old != cd[0] && nr_new > 0.0 &&
                    nr_old > 0.0)
                    fast = fast_accept(cd, old, v_new, w_old, w_new, nr_new, q1, lev_eff);
                /* the swap: old leaves its chunk, v_new joins its chunk (O(1)) */
                int64_t co = st->chunk_of[old];
                int64_t cw = st->chunk_of[v_new];
                uint64_t b_old = (uint64_t)1 << (old & 63), b_new = (uint64_t)1 << (v_new & 63);
                move_hit(st, s, co, cw, w_old, w_new, q1);
                st->nr[s] = nr_new;
                int accepted;
                if (fast) {
                    counters[1] += 1;
                    accepted = 1;
                } else {
                    counters[2] += 1;
                    ism[old >> 6] &= ~b_old;
                    ism[v_new >> 6] |= b_new;
                    if (exact) {
                        nr_new = resum(st, s);
                        n_round = 0.0;
                        nr_max = nr_new;
                    }
                    accepted = exceeds(st, s, nr_new, w, q1, lev_eff);
                    ism[old >> 6] |= b_old;
                    ism[v_new >> 6] &= ~b_new;
                    if (accepted) {
                        st->has_cand[s] = 1;
                        counters[3] += 1;
                    }
                }
                if (audit)
                    mamsets_ml_audit_decision(w, n, k, mem, r_mem, v_new, lev_eff, accepted,
                                              audit_pos, audit);
                if (accepted) {
                    moves++;
                    keep_swap(st, s, r_mem, v_new, np_new, n_round, nr_max);
                    hashes[s] = h_new;
                    ism[old >> 6] &= ~b_old;
                    ism[v_new >> 6] |= b_new;
                } else {
                    /* undo, in the order of the weight-sum updates of the swap reversed */
                    move_hit(st, s, cw, co, w_new, w_old, q1);
                    st->nr[s] = nr_old;
                    dr[0] = n_round + ML_ROUNDINGS_PER_SWAP;
                    dr[1] = nr_max;
                    if (exact) { /* back to the old set's sums, exactly; the peak record's
                                  * prefix kept the old rounding: found afresh */
                        resum(st, s);
                        st->has_cand[s] = 0;
                    }
                }
            }
            if (moves >= target) break;
        }
    }
    counters[4] += attempts;
}

/* Resolve each |es| (increasing) at the first level whose median reaches it. */
static void answer_queries(const double *ladder, int64_t s_n, int64_t n_levels,
                           const double *cum_log, const double *cum_var, const double *es_sorted,
                           int64_t nq, int64_t stop, double *out_logc, double *out_varc,
                           int64_t *out_r, int64_t *out_status) {
    int64_t half = (s_n + 1) / 2, li = 0;
    for (int64_t q = 0; q < nq; q++) {
        double e = es_sorted[q] - ML_ES_TOL;
        while (li < n_levels - 1 && ladder[li * s_n + half - 1] < e) li++;
        int64_t r = 0;
        for (int64_t s = 0; s < s_n; s++)
            if (ladder[li * s_n + s] >= e) r++;
        out_logc[q] = cum_log[li];
        out_varc[q] = cum_var[li];
        out_r[q] = r;
        out_status[q] = (ladder[li * s_n + half - 1] >= e || e <= 0.0) ? ML_OK : stop;
    }
}

/* Expected log (and variance) of the passage fraction n_surv / S; without ties n_surv = h - 1
 * and this is psi(h) - psi(S + 1), the median order statistic. */
static void passage_log_var(int64_t n_surv, int64_t s_n, double *c_log, double *c_var) {
    double cl = 0.0, cv = 0.0;
    for (int64_t t = n_surv + 1; t < s_n + 1; t++) {
        cl -= 1.0 / (double)t;
        cv += 1.0 / (double)(t * t);
    }
    *c_log = cl;
    *c_var = cv;
}

/* Work arrays of one unit's ladder. */
typedef struct {
    int64_t *tmp_flat, *order, *column;
    double *ladder, *scores, *cum_log, *cum_var;
    uint64_t *hashes;
    store_t store;
} ladder_t;

static void ladder_free(ladder_t *L) {
    free(L->tmp_flat);
    free(L->order);
    free(L->column);
    free(L->ladder);
    free(L->scores);
    free(L->cum_log);
    free(L->cum_var);
    free(L->hashes);
    store_free(&L->store);
}

static int ladder_alloc(ladder_t *L, int64_t s_n, int64_t k, int64_t n, int64_t max_levels) {
    memset(L, 0, sizeof(*L));
    L->tmp_flat = malloc((size_t)(s_n * k) * sizeof(int64_t));
    L->order = malloc((size_t)s_n * sizeof(int64_t));
    L->column = malloc((size_t)s_n * sizeof(int64_t));
    L->ladder = malloc((size_t)((max_levels + 1) * s_n) * sizeof(double));
    L->scores = malloc((size_t)s_n * sizeof(double));
    L->cum_log = calloc((size_t)(max_levels + 2), sizeof(double));
    L->cum_var = calloc((size_t)(max_levels + 2), sizeof(double));
    L->hashes = calloc((size_t)s_n, sizeof(uint64_t));
    int ok = store_alloc(&L->store, s_n, k, n);
    return ok && L->tmp_flat && L->order && L->column && L->ladder && L->scores && L->cum_log &&
           L->cum_var && L->hashes;
}

/* Multilevel ladder for one (size, sign) unit; w already oriented for the sign.
 *
 * Starts from flat[s_n * k], S random sets above the first stage's threshold (which also drew
 * the gene keys zob[n]), reached with expected log log0 and variance var0. es_sorted[nq]: the
 * |es| still to resolve, increasing. For each query writes the summed expected log out_logc (and
 * variance out_varc) of the level passages before its resolving sample, the count out_r of that
 * sample's scores >= es and a status (ok, below the eps floor, walk stalled). counters[5]: see
 * walk_level. audit[2]: NULL, or (tests) counts of decisions and of those a fresh long-double
 * score contradicts (mamsets_ml_audit_decision). Returns the number of levels built, or -1
 * when out of memory. */
int64_t mamsets_ml_run_unit(const double *w, int64_t n, int64_t k, const double *es_sorted,
                            int64_t nq, int64_t s_n, double log_floor, int64_t max_levels,
                            uint64_t *rng, int64_t *flat, const uint64_t *zob, double log0,
                            double var0, double *out_logc, double *out_varc, int64_t *out_r,
                            int64_t *out_status, int64_t *counters, int64_t move_factor,
                            int64_t *audit) {
    ladder_t L;
    int64_t *audit_pos = audit ? malloc((size_t)k * sizeof(int64_t)) : NULL;
    if (!ladder_alloc(&L, s_n, k, n, max_levels) || (audit && !audit_pos)) {
        ladder_free(&L);
        free(audit_pos);
        return -1;
    }
    for (int64_t v = 0; v < n; v++) {
        L.store.genes[v].w = w[v];
        L.store.genes[v].zob = zob[v];
    }
    int64_t half = (s_n + 1) / 2, stop = ML_OK, n_levels = 0, lev = 0;
    double es_max = es_sorted[nq - 1];
    L.cum_log[0] = log0;
    L.cum_var[0] = var0;
    for (;;) {
        /* the next level: the median (ES, hash) key of the current sample */
        score_and_sort(flat, s_n, k, w, n, zob, L.scores, L.hashes, L.order);
        for (int64_t s = 0; s < s_n; s++) L.ladder[lev * s_n + s] = L.scores[L.order[s]];
        n_levels = lev + 1;
        double level = L.ladder[lev * s_n + half - 1];
        if (level >= es_max - ML_ES_TOL) break;
        uint64_t level_h = L.hashes[L.order[half - 1]];
        /* the first sample strictly above the median key: `half` unless identical sets tie */
        int64_t first = half;
        while (first < s_n && !ml_key_less(level, level_h, L.scores[L.order[first]],
                                           L.hashes[L.order[first]]))
            first++;
        if (first == s_n) {
            stop = ML_STALLED;
            break;
        }
        /* the passage's expected log and variance, and the eps floor */
        double c_log, c_var;
        passage_log_var(s_n - first, s_n, &c_log, &c_var);
        L.cum_log[lev + 1] = L.cum_log[lev] + c_log;
        L.cum_var[lev + 1] = L.cum_var[lev] + c_var;
        if (lev + 1 > max_levels - 1 || L.cum_log[lev + 1] < log_floor) {
            stop = ML_FLOOR;
            break;
        }
        /* survivors back to S samples, stored by chunks, moved above the level */
        resample(flat, L.tmp_flat, s_n, k, L.order, first, rng);
        set_chunks(flat, &L.store, L.column);
        fill_chunks(flat, w, zob, L.hashes, &L.store);
        walk_level(w, level, level_h, s_n * k * move_factor, rng, zob, L.hashes, &L.store,
                   counters, audit, audit_pos);
        unchunk(flat, &L.store);
        lev++;
    }
    answer_queries(L.ladder, s_n, n_levels, L.cum_log, L.cum_var, es_sorted, nq, stop, out_logc,
                   out_varc, out_r, out_status);
    ladder_free(&L);
    free(audit_pos);
    return n_levels;
}

/* Expected log of one level passage, psi(h) - psi(S + 1) with h = (S + 1) / 2. */
double mamsets_ml_log_floor_step(int64_t s_n) {
    int64_t h = (s_n + 1) / 2;
    double acc = 0.0;
    for (int64_t t = h; t < s_n + 1; t++) acc += 1.0 / (double)t;
    return -acc;
}
