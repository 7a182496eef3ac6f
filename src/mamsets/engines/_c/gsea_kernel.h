/* Shared pieces of the GSEA kernels (gsea_kernel.c, pheno_kernel.c).
 *
 * Arithmetic conventions: every formula is written in the order of the numba code it replaced,
 * and the library is built without -ffast-math (and, with -std=c11, without floating-point
 * contraction), so the compiler may not re-associate sums or fuse multiply-adds: results are
 * bit-identical to that code and to numpy's float64 arithmetic.
 */
#ifndef MAMSETS_GSEA_KERNEL_H
#define MAMSETS_GSEA_KERNEL_H

#include <stdint.h>

#include "common.h"

/* A gene of 0..n-1 not yet in the bitset bits, drawn uniformly as floor(next_double * n) with
 * repeats rejected, and added to it. The nested and the cumulative nulls draw with it, so the
 * same generator gives both the same random sets. */
static inline int64_t draw_new(uint64_t *bits, int64_t n, double (*next_double)(void *), void *state) {
    for (;;) {
        int64_t p = (int64_t)(next_double(state) * (double)n);
        uint64_t bit = UINT64_C(1) << (p & 63);
        if (!(bits[p >> 6] & bit)) {
            bits[p >> 6] |= bit;
            return p;
        }
    }
}

/* ES of the set at sorted positions pos[0..k) of a ranking of n genes with weights w, given
 * nr = sum of w over pos in that order (see gsea_kernel.c). */
double mamsets_es_value(const double *w, const int64_t *pos, int64_t k, int64_t n, double nr);

#endif
