/* The compiled kernels of mamsets.engines, one shared library built at install time.
 *
 * The numeric functions are plain C on raw arrays (see the other .c files in this folder) and are
 * called through ctypes from the Python wrapper modules, which releases the GIL for the duration
 * of each call. This file only makes the library importable as ``mamsets.engines._ckernels`` so
 * that its path can be found through the normal import system.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>

/* Bumped whenever a kernel's signature changes; checked by mamsets.engines._clib. */
int64_t mamsets_abi_version(void) { return 2; }

static struct PyModuleDef ckernels_module = {
    PyModuleDef_HEAD_INIT, "_ckernels",
    "Compiled numeric kernels of mamsets (called through ctypes; see mamsets.engines._clib).",
    -1, NULL, NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__ckernels(void) { return PyModule_Create(&ckernels_module); }
