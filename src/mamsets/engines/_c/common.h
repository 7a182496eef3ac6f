/* Helpers every kernel shares (gsea_kernel.h and multilevel.h include this).
 *
 * Everything is `static inline` except the portable fallback of tz64, defined once in
 * gsea_kernel.c and exported for the tests.
 */
#ifndef MAMSETS_COMMON_H
#define MAMSETS_COMMON_H

#include <stdint.h>

/* Python's max(a, b) and min(a, b) on floats: the first argument unless the second compares
 * strictly greater (smaller). Unlike fmax/fmin, a NaN in the first argument is kept, as numba's
 * and Python's builtins do (the kernels were ported from numba bit for bit). */
static inline double py_max(double a, double b) { return b > a ? b : a; }
static inline double py_min(double a, double b) { return b < a ? b : a; }

/* Index of the lowest set bit of a non-zero word (count trailing zeros). GCC and clang have an
 * instruction for it; elsewhere a de Bruijn multiplication isolates the bit and a 64-entry table
 * names it (Leiserson, Prokop & Randall 1998). */
int64_t mamsets_lowest_bit_debruijn(uint64_t x);
#if defined(__GNUC__) || defined(__clang__)
static inline int64_t tz64(uint64_t x) { return (int64_t)__builtin_ctzll(x); }
#else
static inline int64_t tz64(uint64_t x) { return mamsets_lowest_bit_debruijn(x); }
#endif

#endif
