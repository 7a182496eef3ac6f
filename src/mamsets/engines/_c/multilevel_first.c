/* First stage of the multilevel p-values: many exact draws instead of the lowest levels.
 *
 * Multilevel splitting (fgsea: Korotkevich et al., bioRxiv 060012) halves the tail probability
 * at each level, and every level costs S * K accepted random-walk moves. The first few levels
 * are had far more cheaply from plain random sets: draw M uniform random sets of the unit's size
 * with ES >= 0 (exact draws of the conditional law), keep the top S + 1 by the (ES, hash) key,
 * and let the m whose key is strictly above the lowest of them start the ladder. They are m
 * exact independent draws from the law above that threshold, and the passage has expected log
 * psi(m + 1) - psi(M + 1) (variance psi1(m + 1) - psi1(M + 1)). Queries whose |es| the
 * threshold reaches are answered here from all M scores. See _multilevel_first.py.
 */
#include "multilevel.h"

#include <string.h>

/* Random sets drawn to judge whether a sign is too rare (fgsea's nPermSimple), the least
 * number of same-signed sets among them, and the cap on draws (mirrored in Python). */
#define ML_MIN_SIGN_DRAWS 1000
#define ML_MIN_SIGN_COUNT 10
#define ML_MAX_INITIAL_DRAWS 1000000

/* A uniform random k-subset of [0, n) into pos (sorted); returns its ES.
 *
 * Distinct positions by rejection in a two-level bitset (`summary` marks the non-zero words of
 * `bits`), two per 64-bit draw (ml_lemire, exactly uniform), the set's weight NR summed as they
 * are drawn; then read back in increasing order in O(K + N / 4096), cleared on the way. */
static double draw_set(const double *w, int64_t n, int64_t k, uint64_t *rng, uint64_t *bits,
                       uint64_t *summary, int64_t n_summary, int64_t *pos) {
    int64_t c = 0;
    double nr = 0.0;
    uint64_t x = 0;
    for (int half = 0; c < k; half ^= 1) {
        if (!half) x = ml_next_u64(rng); /* low half first, then high half */
        int64_t p = ml_lemire((uint32_t)(half ? x >> 32 : x), (uint32_t)n, rng);
        int64_t word = p >> 6;
        uint64_t bit = (uint64_t)1 << (p & 63), old = bits[word];
        int fresh = !(old & bit);
        bits[word] = old | bit;
        summary[word >> 6] |= (uint64_t)1 << (word & 63);
        nr += fresh ? w[p] : 0.0; /* nr >= 0: adding 0.0 leaves it unchanged */
        c += fresh;
    }
    /* read back in increasing order: four positions per non-zero word written unconditionally
     * (pos has room for k + 4), so the common word of 1-4 members costs no mispredicted branch */
    const uint64_t top_bit = (uint64_t)1 << 63;
    int64_t t = 0;
    for (int64_t sw = 0; sw < n_summary; sw++) {
        uint64_t ys = summary[sw];
        while (ys != 0) {
            int64_t word = (sw << 6) + tz64(ys);
            ys &= ys - 1;
            uint64_t x = bits[word];
            int64_t base = word << 6;
            bits[word] = 0;
            for (int i = 0; i < 4; i++) {
                pos[t] = base + tz64(x | top_bit);
                t += x != 0;
                x &= x - 1;
            }
            while (x != 0) {
                pos[t++] = base + tz64(x);
                x &= x - 1;
            }
        }
        summary[sw] = 0;
    }
    return ml_signed_es_nr(pos, k, w, n, nr);
}

/* Number of queries q with es_sorted[q] - ML_ES_TOL <= x (binary search). */
static int64_t count_at_most(const double *es_sorted, int64_t nq, double x) {
    int64_t lo = 0, hi = nq;
    while (lo < hi) {
        int64_t mid = (lo + hi) >> 1;
        if (es_sorted[mid] - ML_ES_TOL <= x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static uint64_t set_hash(const uint64_t *zob, const int64_t *pos, int64_t k) {
    uint64_t hh = 0;
    for (int64_t j = 0; j < k; j++) hh ^= zob[pos[j]];
    return hh;
}

/* Draw until m_target sets have ES >= 0 and keep the top S + 1 keys in (top, tsc, thh);
 * hist[i] counts the non-negative scores that reach exactly the first i queries.
 * Returns the number of non-negative sets drawn (-1: out of memory). */
static int64_t sample_top(const double *w, int64_t n, int64_t k, int64_t s_n, int64_t m_target,
                          uint64_t *rng, const uint64_t *zob, int64_t *top, double *tsc,
                          uint64_t *thh, int64_t *hist, const double *es_sorted, int64_t nq) {
    int64_t n_words = (n + 63) >> 6, n_summary = (n_words + 63) >> 6;
    uint64_t *bits = calloc((size_t)n_words, sizeof(uint64_t));
    uint64_t *summary = calloc((size_t)n_summary, sizeof(uint64_t));
    int64_t *pos = malloc((size_t)(k + 4) * sizeof(int64_t));
    int64_t n_pos = -1;
    if (!bits || !summary || !pos) goto done;
    int64_t n_top = s_n + 1, filled = 0, lo = 0, n_draws = 0;
    n_pos = 0;
    while (n_pos < m_target || (n_draws < ML_MIN_SIGN_DRAWS && n_pos < ML_MIN_SIGN_COUNT)) {
        if (n_draws >= ML_MAX_INITIAL_DRAWS) break;
        double x = draw_set(w, n, k, rng, bits, summary, n_summary, pos);
        n_draws++;
        if (x >= 0.0) {
            n_pos++;
            hist[count_at_most(es_sorted, nq, x)] += 1;
            if (filled < n_top || x >= tsc[lo] - ML_ES_TOL) { /* hash only for candidates */
                uint64_t hh = set_hash(zob, pos, k);
                int64_t slot = -1;
                if (filled < n_top)
                    slot = filled++;
                else if (ml_key_less(tsc[lo], thh[lo], x, hh))
                    slot = lo;
                if (slot >= 0) {
                    memcpy(top + slot * k, pos, (size_t)k * sizeof(int64_t));
                    tsc[slot] = x;
                    thh[slot] = hh;
                    if (filled == n_top) { /* the new lowest key */
                        lo = 0;
                        for (int64_t i = 1; i < n_top; i++)
                            if (ml_key_less(tsc[i], thh[i], tsc[lo], thh[lo])) lo = i;
                    }
                }
            }
        }
        if (n_draws == ML_MIN_SIGN_DRAWS && n_pos < ML_MIN_SIGN_COUNT) break;
    }
done:
    free(bits);
    free(summary);
    free(pos);
    return n_pos;
}

/* Without a first stage: the first S random sets with ES >= 0 start the ladder (partial
 * Fisher-Yates draws, then the gene keys, in the order of the original kernel). Returns the
 * number of non-negative sets drawn (-1: out of memory). */
static int64_t plain_start(const double *w, int64_t n, int64_t k, int64_t s_n, uint64_t *rng,
                           uint64_t *zob, int64_t *flat) {
    int64_t *perm = malloc((size_t)n * sizeof(int64_t));
    int64_t *draw = malloc((size_t)k * sizeof(int64_t));
    int64_t n_pos = -1;
    if (!perm || !draw) goto done;
    for (int64_t i = 0; i < n; i++) perm[i] = i;
    int64_t n_draws = 0;
    n_pos = 0;
    while (n_pos < s_n || (n_draws < ML_MIN_SIGN_DRAWS && n_pos < ML_MIN_SIGN_COUNT)) {
        if (n_draws >= ML_MAX_INITIAL_DRAWS) break;
        for (int64_t i = 0; i < k; i++) {
            int64_t j = i + ml_randint(rng, n - i);
            int64_t tmp = perm[i];
            perm[i] = perm[j];
            perm[j] = tmp;
            draw[i] = perm[i];
        }
        qsort(draw, (size_t)k, sizeof(int64_t), ml_cmp_i64);
        n_draws++;
        if (ml_signed_es(draw, k, w, n) >= 0.0) {
            if (n_pos < s_n) memcpy(flat + n_pos * k, draw, (size_t)k * sizeof(int64_t));
            n_pos++;
        }
        if (n_draws == ML_MIN_SIGN_DRAWS && n_pos < ML_MIN_SIGN_COUNT) break;
    }
    for (int64_t v = 0; v < n; v++) zob[v] = ml_next_u64(rng);
done:
    free(perm);
    free(draw);
    return n_pos;
}

/* Order the S + 1 kept keys, answer the queries the threshold reaches and seed `flat` with the
 * survivors (strictly above the lowest key). Returns q0 (see mamsets_ml_first_stage). */
static int64_t finish_first(int64_t k, const int64_t *top, const double *tsc, const uint64_t *thh,
                            const int64_t *hist, int64_t m_all, const double *es_sorted, int64_t nq,
                            int64_t s_n, double log_floor, uint64_t *rng, int64_t *flat,
                            int64_t *order, double *out_logc, double *out_varc, int64_t *out_r,
                            int64_t *out_status, double *log0_var0) {
    ml_sort_keys(tsc, thh, order, s_n + 1);
    double thr = tsc[order[0]];
    uint64_t thr_h = thh[order[0]];
    int64_t first = 1;
    while (first <= s_n && !ml_key_less(thr, thr_h, tsc[order[first]], thh[order[first]])) first++;
    int64_t n_surv = s_n + 1 - first;
    /* queries the threshold reaches: r of the M scores >= es, log p = psi(r+1) - psi(M+2) */
    int64_t q0 = count_at_most(es_sorted, nq, thr);
    double d, v, d0, v0;
    ml_digamma_gap(s_n + 2, m_all + 2, &d, &v);
    int64_t r = 0;
    for (int64_t q = nq - 1; q >= 0; q--) {
        r += hist[q + 1];
        out_r[q] = r;
        out_logc[q] = -d;
        out_varc[q] = v;
        out_status[q] = ML_OK;
    }
    ml_digamma_gap(n_surv + 1, m_all + 1, &d0, &v0);
    if (n_surv == 0 || -d0 < log_floor) {
        for (int64_t q = q0; q < nq; q++) out_status[q] = n_surv == 0 ? ML_STALLED : ML_FLOOR;
        return nq;
    }
    int64_t copies = s_n / n_surv;
    for (int64_t t = 0; t < n_surv; t++)
        for (int64_t cc = 0; cc < copies; cc++)
            memcpy(flat + (t * copies + cc) * k, top + order[first + t] * k,
                   (size_t)k * sizeof(int64_t));
    for (int64_t t = n_surv * copies; t < s_n; t++)
        memcpy(flat + t * k, top + order[first + ml_randint(rng, n_surv)] * k,
               (size_t)k * sizeof(int64_t));
    log0_var0[0] = -d0;
    log0_var0[1] = v0;
    return q0;
}

/* Run the first stage of one (size, sign) unit. Returns q0, the number of queries answered
 * here (all of them when the unit is unbalanced, stalled or below the eps floor), or -1 when
 * out of memory; log0_var0 receives the expected log and variance at which the ladder starts.
 * m_target <= 0: no first stage (plain start; q0 is 0 or, unbalanced, nq).
 * Arrays: w[n], es_sorted[nq] (increasing), rng[4], zob[n] (filled), flat[s_n * k] (filled),
 * out_*[nq]. */
int64_t mamsets_ml_first_stage(const double *w, int64_t n, int64_t k, const double *es_sorted,
                               int64_t nq, int64_t s_n, int64_t m_target, double log_floor,
                               uint64_t *rng, uint64_t *zob, int64_t *flat, double *out_logc,
                               double *out_varc, int64_t *out_r, int64_t *out_status,
                               double *log0_var0) {
    log0_var0[0] = 0.0;
    log0_var0[1] = 0.0;
    if (m_target <= 0) {
        int64_t n_pos = plain_start(w, n, k, s_n, rng, zob, flat);
        if (n_pos < 0) return -1;
        if (n_pos < (s_n > ML_MIN_SIGN_COUNT ? s_n : ML_MIN_SIGN_COUNT)) {
            for (int64_t q = 0; q < nq; q++) out_status[q] = ML_UNBALANCED;
            return nq;
        }
        return 0;
    }
    for (int64_t v = 0; v < n; v++) zob[v] = ml_next_u64(rng);
    int64_t *top = malloc((size_t)((s_n + 1) * k) * sizeof(int64_t));
    double *tsc = malloc((size_t)(s_n + 1) * sizeof(double));
    uint64_t *thh = calloc((size_t)(s_n + 1), sizeof(uint64_t));
    int64_t *hist = calloc((size_t)(nq + 1), sizeof(int64_t));
    int64_t *order = malloc((size_t)(s_n + 1) * sizeof(int64_t));
    int64_t q0 = -1;
    if (!top || !tsc || !thh || !hist || !order) goto done;
    int64_t m_all = sample_top(w, n, k, s_n, m_target, rng, zob, top, tsc, thh, hist, es_sorted, nq);
    if (m_all < 0) goto done;
    if (m_all < ML_MIN_SIGN_COUNT || m_all <= s_n) {
        for (int64_t q = 0; q < nq; q++) out_status[q] = ML_UNBALANCED;
        q0 = nq;
        goto done;
    }
    q0 = finish_first(k, top, tsc, thh, hist, m_all, es_sorted, nq, s_n, log_floor, rng, flat,
                      order, out_logc, out_varc, out_r, out_status, log0_var0);
done:
    free(top);
    free(tsc);
    free(thh);
    free(hist);
    free(order);
    return q0;
}

/* ------------------------------------------------------------------------------ shared draws
 * The first stage of a unit from the draws of one shared nested null (_multilevel_shared.py):
 * sample j's first k members rec[j * kmax + 0..k) are a uniform random k-set, and tb[j * 3 +
 * 0..2] its comparison extremes (top / N_R, bottom / N_R on quantised weights) and quantised
 * N_R (gsea_cumulative.c). These only SCREEN: every decision (sign, kept keys, query counts) is
 * taken on the exact multilevel score (ml_signed_es on the oriented weights) whenever the
 * screen cannot prove it, so the result is what exact scores of every draw would give. */

/* Error bound of the screen for a set of k members with quantised weight nr_q: each quantised
 * weight is off by at most 1/2, so every running-sum term by at most k / nr_q; rounding adds
 * ~2^-50 (1 + n / (n - k)) to the comparison ES (terms up to (1 + n / (n - k)) N_R, see
 * gsea_cumulative.c) and ~k 2^-53 to the multilevel one: both are far inside the second term.
 * Infinite when nr_q is 0 (always recompute). */
static inline double screen_band(int64_t k, int64_t n, double nr_q) {
    double rounding = 1e-11 * (1.0 + (double)n / (double)(n - k)) + (double)k * 0x1p-46;
    return nr_q > 0.0 ? 2.0 * (double)k / nr_q + rounding : INFINITY;
}

/* Exact multilevel score and hash of sample j's first k members, oriented (sg < 0: the reversed
 * ranking, position p -> n - 1 - p), sorted into pos (room for k) through the zeroed bitset bits
 * (n bits, left zeroed): O(k + n / 64), cheaper than a comparison sort for k >~ 50. */
static double exact_draw(const int32_t *rec, int64_t kmax, int64_t j, int64_t k, int64_t sg,
                         const double *w, int64_t n, const uint64_t *zob, int64_t *pos,
                         uint64_t *hh, uint64_t *bits) {
    int64_t lo = n, hi = 0;
    for (int64_t i = 0; i < k; i++) {
        int64_t p = rec[j * kmax + i];
        p = sg > 0 ? p : n - 1 - p;
        bits[p >> 6] |= (uint64_t)1 << (p & 63);
        lo = p < lo ? p : lo;
        hi = p > hi ? p : hi;
    }
    int64_t t = 0;
    for (int64_t word = lo >> 6; word <= hi >> 6; word++) {
        uint64_t x = bits[word];
        bits[word] = 0;
        for (; x; x &= x - 1) pos[t++] = (word << 6) + tz64(x);
    }
    if (hh) *hh = set_hash(zob, pos, k);
    return ml_signed_es(pos, k, w, n);
}

/* Screened oriented score of draw j: x (exact when *exact), band d around it. */
static double screen_draw(const double *tb, int64_t j, int64_t k, int64_t n, int64_t sg,
                          double *d) {
    double top = tb[j * 3], bot = tb[j * 3 + 1], band = screen_band(k, n, tb[j * 3 + 2]);
    *d = band;
    if (!(fabs(top + bot) > 2.0 * band + ML_TIE_TOL)) { /* a possible tie: unknown */
        *d = INFINITY;
        return 0.0;
    }
    double x = top + bot > 0.0 ? top : bot;
    return sg > 0 ? x : -x;
}

/* Pass 1: the oriented score of every draw of the unit's sign into xs (exact where the screen
 * cannot tell the sign; then band 0), band into ds, and sgn[j] = 1 for the unit's sign.
 * Returns M, the number of such draws. */
static int64_t shared_signs(const int32_t *rec, int64_t kmax, int64_t n_samples, const double *tb,
                            int64_t k, int64_t sg, const double *w, int64_t n, int64_t *pos,
                            double *xs, double *ds, char *sgn, int64_t screen, uint64_t *bits) {
    int64_t m_all = 0;
    for (int64_t j = 0; j < n_samples; j++) {
        double d = INFINITY, x = screen ? screen_draw(tb, j, k, n, sg, &d) : 0.0;
        if (!(fabs(x) > d)) {
            x = exact_draw(rec, kmax, j, k, sg, w, n, NULL, pos, NULL, bits);
            d = 0.0;
        }
        xs[j] = x;
        ds[j] = d;
        sgn[j] = x >= 0.0;
        m_all += sgn[j];
    }
    return m_all;
}

/* Pass 2: the top S + 1 keys among the draws of the sign (exact keys of every draw that can be
 * among them, in drawing order as sample_top keeps them) and the query histogram. */
static void shared_top(const int32_t *rec, int64_t kmax, int64_t n_samples, int64_t k, int64_t sg,
                       const double *w, int64_t n, const uint64_t *zob, int64_t *pos,
                       const double *xs, const double *ds, const char *sgn, double cut,
                       int64_t s_n, int64_t *top, double *tsc, uint64_t *thh, int64_t *hist,
                       const double *es_sorted, int64_t nq, uint64_t *bits) {
    int64_t n_top = s_n + 1, filled = 0, lo = 0;
    for (int64_t j = 0; j < n_samples; j++) {
        if (!sgn[j]) continue;
        double x = xs[j], d = ds[j];
        int64_t c1 = count_at_most(es_sorted, nq, x - d), c2 = count_at_most(es_sorted, nq, x + d);
        int cand = x + d >= cut;
        if (c1 == c2 && !cand) {
            hist[c1] += 1;
            continue;
        }
        uint64_t hh;
        x = exact_draw(rec, kmax, j, k, sg, w, n, zob, pos, &hh, bits);
        hist[count_at_most(es_sorted, nq, x)] += 1;
        if (!cand) continue;
        int64_t slot = -1;
        if (filled < n_top)
            slot = filled++;
        else if (ml_key_less(tsc[lo], thh[lo], x, hh))
            slot = lo;
        if (slot < 0) continue;
        memcpy(top + slot * k, pos, (size_t)k * sizeof(int64_t));
        tsc[slot] = x;
        thh[slot] = hh;
        if (filled == n_top) {
            lo = 0;
            for (int64_t i = 1; i < n_top; i++)
                if (ml_key_less(tsc[i], thh[i], tsc[lo], thh[lo])) lo = i;
        }
    }
}

/* The first stage of one unit from shared draws (see above); arguments as
 * mamsets_ml_first_stage plus rec[n_samples * kmax], tb[n_samples * 3] (this size's rows), sg,
 * m_min and screen (0: score every draw exactly, the reference the tests compare with). Returns q0, -1 when out of memory, or -2 when fewer than max(m_min, S + 1) draws
 * have the unit's sign (the caller then runs mamsets_ml_first_stage instead; zob and rng are
 * then already used). */
int64_t mamsets_ml_first_shared(const double *w, int64_t n, int64_t k, int64_t sg,
                                const int32_t *rec, int64_t kmax, int64_t n_samples,
                                const double *tb, const double *es_sorted, int64_t nq,
                                int64_t s_n, int64_t m_min, int64_t screen, double log_floor,
                                uint64_t *rng,
                                uint64_t *zob, int64_t *flat, double *out_logc, double *out_varc,
                                int64_t *out_r, int64_t *out_status, double *log0_var0) {
    log0_var0[0] = 0.0;
    log0_var0[1] = 0.0;
    for (int64_t v = 0; v < n; v++) zob[v] = ml_next_u64(rng);
    int64_t n_top = s_n + 1, q0 = -1;
    int64_t *top = malloc((size_t)(n_top * k) * sizeof(int64_t));
    double *tsc = malloc((size_t)n_top * sizeof(double));
    uint64_t *thh = calloc((size_t)n_top, sizeof(uint64_t));
    int64_t *hist = calloc((size_t)(nq + 1), sizeof(int64_t));
    int64_t *order = malloc((size_t)n_top * sizeof(int64_t));
    int64_t *pos = malloc((size_t)k * sizeof(int64_t));
    double *xs = malloc((size_t)n_samples * 3 * sizeof(double));
    char *sgn = malloc((size_t)n_samples);
    uint64_t *bits = calloc((size_t)((n + 63) >> 6), sizeof(uint64_t));
    if (!top || !tsc || !thh || !hist || !order || !pos || !xs || !sgn || !bits) goto done;
    double *ds = xs + n_samples, *srt = xs + 2 * n_samples;
    int64_t m_all = shared_signs(rec, kmax, n_samples, tb, k, sg, w, n, pos, xs, ds, sgn,
                                 screen, bits);
    if (m_all < m_min || m_all <= s_n) {
        q0 = -2;
        goto done;
    }
    /* the (S+1)-th largest screened score; a draw can hold one of the top S + 1 keys only if its
     * exact score reaches the least exact score of those S + 1 draws minus ML_ES_TOL */
    int64_t t = 0;
    double dmax = 0.0;
    for (int64_t j = 0; j < n_samples; j++)
        if (sgn[j]) srt[t++] = xs[j];
    double thr = ml_select_f64(srt, m_all, m_all - 1 - s_n); /* the (S+1)-th largest */
    for (int64_t j = 0; j < n_samples; j++)
        if (sgn[j] && xs[j] >= thr && ds[j] > dmax) dmax = ds[j];
    double cut = thr - dmax - 2.0 * ML_ES_TOL;
    shared_top(rec, kmax, n_samples, k, sg, w, n, zob, pos, xs, ds, sgn, cut, s_n, top, tsc, thh,
               hist, es_sorted, nq, bits);
    q0 = finish_first(k, top, tsc, thh, hist, m_all, es_sorted, nq, s_n, log_floor, rng, flat,
                      order, out_logc, out_varc, out_r, out_status, log0_var0);
done:
    free(top); free(tsc); free(thh); free(hist); free(order); free(pos); free(xs); free(sgn);
    free(bits);
    return q0;
}
