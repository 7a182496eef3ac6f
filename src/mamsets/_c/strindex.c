/* Integer codes of hashable members, in order of first appearance (mamsets._strindex).
 *
 * GeneSetCollection.member_index turns every (set, member) pair of a collection into the index
 * of its member among the distinct members. With a million pairs (a large GMT) that is the
 * largest serial step of a GSEA call before the compiled kernels start; pandas.factorize on an
 * object array spends most of it building the array and growing its table. This does the same
 * in one pass over the sets' member tuples: an open-addressing table keyed by the members'
 * cached hashes, equality by the str contents (any other object: its own ==).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

typedef struct {
    Py_hash_t hash;
    Py_ssize_t code; /* -1: empty slot */
} slot_t;

typedef struct {
    slot_t *slots;
    size_t mask; /* capacity - 1; capacity = 2**bits */
    int bits;
    Py_ssize_t used;
} table_t;

static int table_init(table_t *t, int bits) {
    size_t capacity = (size_t)1 << bits;
    t->slots = bits < 48 ? PyMem_Malloc(capacity * sizeof(slot_t)) : NULL;
    if (!t->slots) return -1;
    for (size_t i = 0; i < capacity; i++) t->slots[i].code = -1;
    t->mask = capacity - 1;
    t->bits = bits;
    t->used = 0;
    return 0;
}

/* The first slot of hash h: its top bits after a Fibonacci multiply, so hashes that differ
 * only in high bits (ints times a power of two) do not pile up in one run of slots. */
static inline size_t home(const table_t *t, Py_hash_t h) {
    return (size_t)(((uint64_t)h * 0x9E3779B97F4A7C15ULL) >> (64 - t->bits));
}

/* Double the capacity (kept at most half full, so probes stay short). */
static int table_grow(table_t *t) {
    table_t bigger;
    if (table_init(&bigger, t->bits + 1) < 0) return -1;
    for (size_t i = 0; i <= t->mask; i++) {
        slot_t s = t->slots[i];
        if (s.code < 0) continue;
        size_t j = home(&bigger, s.hash);
        while (bigger.slots[j].code >= 0) j = (j + 1) & bigger.mask;
        bigger.slots[j] = s;
    }
    bigger.used = t->used;
    PyMem_Free(t->slots);
    *t = bigger;
    return 0;
}

/* 1 when a and b are equal, 0 when not, -1 on an error of ==. */
static int same(PyObject *a, PyObject *b) {
    if (a == b) return 1;
    if (PyUnicode_CheckExact(a) && PyUnicode_CheckExact(b)) {
        Py_ssize_t len = PyUnicode_GET_LENGTH(a);
        int kind = PyUnicode_KIND(a);
        return len == PyUnicode_GET_LENGTH(b) && kind == (int)PyUnicode_KIND(b) &&
               memcmp(PyUnicode_DATA(a), PyUnicode_DATA(b), (size_t)len * (size_t)kind) == 0;
    }
    return PyObject_RichCompareBool(a, b, Py_EQ);
}

/* The code of member m (hash h), added to `genes` when new; -1 on error. */
static Py_ssize_t code_of(table_t *t, PyObject *genes, PyObject *m, Py_hash_t h) {
    size_t j = home(t, h);
    for (;;) {
        slot_t *s = t->slots + j;
        if (s->code < 0) break;
        if (s->hash == h) {
            int eq = same(PyList_GET_ITEM(genes, s->code), m);
            if (eq < 0) return -1;
            if (eq) return s->code;
        }
        j = (j + 1) & t->mask;
    }
    Py_ssize_t code = PyList_GET_SIZE(genes);
    if (PyList_Append(genes, m) < 0) return -1;
    t->slots[j].hash = h;
    t->slots[j].code = code;
    if ((size_t)(++t->used) * 2 > t->mask + 1 && table_grow(t) < 0) {
        PyErr_NoMemory();
        return -1;
    }
    return code;
}

/* 1 when the buffer holds signed native integers of 4 or 8 bytes. */
static int signed_codes(const Py_buffer *buf) {
    const char *f = buf->format;
    if (!f || !(buf->itemsize == 4 || buf->itemsize == 8)) return 0;
    if (*f == '@' || *f == '=' || (*f == '<' && PY_LITTLE_ENDIAN) || (*f == '>' && PY_BIG_ENDIAN))
        f++;
    return (f[0] == 'i' || f[0] == 'l' || f[0] == 'q') && f[1] == '\0';
}

/* index_members(groups, codes) -> list
 *
 * groups: a sequence of sequences of hashable members (each set's member tuple). codes: a
 * writable C-contiguous buffer of int32 or int64 with one item per (group, member) pair; it
 * receives, pair after pair, the index of the member in the returned list of distinct members
 * (in order of first appearance). */
static PyObject *index_members(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    (void)self;
    if (nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "index_members(groups, codes) takes 2 arguments");
        return NULL;
    }
    /* tuples: a list could be changed under us by a member's __hash__ or __eq__ */
    PyObject *outer = PySequence_Tuple(args[0]);
    if (!outer) return NULL;
    Py_buffer buf;
    if (PyObject_GetBuffer(args[1], &buf, PyBUF_WRITABLE | PyBUF_FORMAT | PyBUF_C_CONTIGUOUS) < 0) {
        Py_DECREF(outer);
        return NULL;
    }
    PyObject *genes = NULL;
    table_t t = {NULL, 0, 0};
    int wide = buf.itemsize == 8;
    if (!signed_codes(&buf)) {
        PyErr_SetString(PyExc_TypeError, "index_members: codes must be an int32 or int64 array");
        goto fail;
    }
    Py_ssize_t n_codes = buf.len / buf.itemsize, pos = 0;
    genes = PyList_New(0);
    if (!genes || table_init(&t, 12) < 0) goto fail;
    Py_ssize_t n_groups = PyTuple_GET_SIZE(outer);
    for (Py_ssize_t g = 0; g < n_groups; g++) {
        PyObject *inner = PySequence_Tuple(PyTuple_GET_ITEM(outer, g));
        if (!inner) {
            if (PyErr_ExceptionMatches(PyExc_TypeError)) {
                PyErr_Clear();
                PyErr_Format(PyExc_TypeError, "index_members: group %zd is not a sequence", g);
            }
            goto fail;
        }
        Py_ssize_t n_m = PyTuple_GET_SIZE(inner);
        PyObject **items = &PyTuple_GET_ITEM(inner, 0);
        if (n_m > n_codes - pos) {
            Py_DECREF(inner);
            PyErr_SetString(PyExc_ValueError, "index_members: codes is shorter than the pairs");
            goto fail;
        }
        for (Py_ssize_t i = 0; i < n_m; i++) {
            Py_hash_t h = PyObject_Hash(items[i]);
            Py_ssize_t c = h == -1 ? -1 : code_of(&t, genes, items[i], h);
            if (c < 0) {
                Py_DECREF(inner);
                goto fail;
            }
            if (wide) {
                ((int64_t *)buf.buf)[pos++] = (int64_t)c;
            } else if (c > INT32_MAX) {
                Py_DECREF(inner);
                PyErr_SetString(PyExc_OverflowError,
                                "index_members: over 2**31 distinct members; pass int64 codes");
                goto fail;
            } else {
                ((int32_t *)buf.buf)[pos++] = (int32_t)c;
            }
        }
        Py_DECREF(inner);
    }
    if (pos != n_codes) {
        PyErr_SetString(PyExc_ValueError, "index_members: codes is longer than the pairs");
        goto fail;
    }
    PyMem_Free(t.slots);
    PyBuffer_Release(&buf);
    Py_DECREF(outer);
    return genes;
fail:
    PyMem_Free(t.slots);
    Py_XDECREF(genes);
    PyBuffer_Release(&buf);
    Py_DECREF(outer);
    return NULL;
}

static PyMethodDef methods[] = {
    {"index_members", (PyCFunction)(void (*)(void))index_members, METH_FASTCALL,
     "index_members(groups, codes) -> list: codes of each (group, member) pair into the distinct "
     "members, in order of first appearance (written to the int32/int64 array codes)."},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef strindex_module = {
    PyModuleDef_HEAD_INIT, "_strindex",
    "Integer codes of hashable members in order of first appearance (GeneSetCollection.member_index).",
    -1, methods, NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__strindex(void) { return PyModule_Create(&strindex_module); }
