/* Test-only audit of the multilevel walk's decisions (multilevel_walk.c calls it when the
 * caller passes an audit array; tests/test_multilevel_rounding.py). */
#include "multilevel.h"

/* Audit of one decision (tests only; `audit` is NULL in every real run): the proposed set
 * (members with member r replaced by v_new) scored afresh from its sorted positions in long
 * double, and compared with the walk's decision. audit[0] counts decisions, audit[1] those the
 * fresh score contradicts by more than 1e-9 (not a tie of the two deviations). */
void mamsets_ml_audit_decision(const double *w, int64_t n, int64_t k, const int64_t *mem, int64_t r,
                               int64_t v_new, double lev_eff, int accepted, int64_t *pos,
                               int64_t *audit) {
    for (int64_t j = 0; j < k; j++) pos[j] = mem[j];
    pos[r] = v_new;
    qsort(pos, (size_t)k, sizeof(int64_t), ml_cmp_i64);
    long double nr = 0.0L;
    int64_t npos = 0;
    for (int64_t j = 0; j < k; j++) {
        nr += (long double)w[pos[j]];
        npos += w[pos[j]] > 0.0;
    }
    int unit = npos == 0;
    long double q2 = unit ? 1.0L / (long double)k : 1.0L / nr, q1 = 1.0L / (long double)(n - k);
    long double y = 0.0L, amax = -INFINITY, bmin = INFINITY;
    for (int64_t j = 0; j < k; j++) {
        long double m = (long double)(pos[j] - j) * q1;
        if (y * q2 - m < bmin) bmin = y * q2 - m;
        y += unit ? 1.0L : (long double)w[pos[j]];
        if (y * q2 - m > amax) amax = y * q2 - m;
    }
    long double es = amax > -bmin + ML_TIE_TOL ? amax : (amax < -bmin - ML_TIE_TOL ? bmin : 0.0L);
    long double off = es - (long double)lev_eff, gap = amax + bmin;
    audit[0] += 1;
    if ((es > (long double)lev_eff) != (accepted != 0) && (off > 1e-9L || off < -1e-9L) &&
        (gap > 1e-9L || gap < -1e-9L))
        audit[1] += 1;
}
