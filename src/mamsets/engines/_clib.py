"""Load the compiled kernels (``mamsets.engines._ckernels``) for ctypes and pass arrays to them.

The C functions live in ``src/mamsets/engines/_c/*.c`` and are compiled into one shared library
when the package is installed (``setup.py``), so no call waits for a compiler. Wrapper modules
declare each function's signature with :func:`declare` and pass numpy arrays with :func:`ptr`;
ctypes releases the GIL for the duration of every call, so threads run kernels in parallel.
"""

from __future__ import annotations

import ctypes
from typing import Any

import numpy as np

from mamsets.errors import MamsetsError, not_built

__all__ = ["LIB", "declare", "ptr", "f64p", "i64p", "u64p", "i32p", "u8p"]

#: The C ABI version this Python code expects (``mamsets_abi_version`` in ``_c/module.c``).
ABI_VERSION = 2


def _load() -> ctypes.CDLL:
    try:
        from mamsets.engines import _ckernels
    except ImportError as exc:  # pragma: no cover - only on a broken install
        raise not_built("mamsets.engines._ckernels", exc) from exc
    lib = ctypes.CDLL(_ckernels.__file__)
    lib.mamsets_abi_version.restype = ctypes.c_int64
    lib.mamsets_abi_version.argtypes = []
    found = int(lib.mamsets_abi_version())
    if found != ABI_VERSION:  # pragma: no cover - only on a stale build
        raise MamsetsError(
            f"mamsets' compiled kernels are stale (ABI {found}, this code expects {ABI_VERSION}): "
            "rebuild them with `pip install -e .` (or reinstall the package)."
        )
    return lib


LIB = _load()

f64p = ctypes.POINTER(ctypes.c_double)
i64p = ctypes.POINTER(ctypes.c_int64)
u64p = ctypes.POINTER(ctypes.c_uint64)
i32p = ctypes.POINTER(ctypes.c_int32)
u8p = ctypes.POINTER(ctypes.c_uint8)
_DTYPES = {f64p: np.float64, i64p: np.int64, u64p: np.uint64, i32p: np.int32, u8p: np.uint8}


def declare(name: str, restype: Any, *argtypes: Any) -> Any:
    """Return the C function ``name`` of the kernels library with its signature set.

    Parameters
    ----------
    name : str
        Exported C symbol.
    restype : ctypes type or None
        Return type.
    *argtypes : ctypes types
        Argument types in order (use :data:`f64p`, :data:`i64p`, ... for arrays).
    """
    fn = getattr(LIB, name)
    fn.restype = restype
    fn.argtypes = list(argtypes)
    return fn


def ptr(arr: np.ndarray, ctype: Any) -> Any:
    """Pointer to the data of a C-contiguous array of the matching dtype (checked, never copied).

    Parameters
    ----------
    arr : numpy.ndarray
        C-contiguous array whose dtype matches ``ctype``.
    ctype : ctypes pointer type
        For example :data:`f64p`.
    """
    expected = _DTYPES[ctype]
    if arr.dtype != expected or not arr.flags.c_contiguous:
        raise TypeError(f"kernel argument must be C-contiguous {np.dtype(expected)}, got {arr.dtype}")
    return arr.ctypes.data_as(ctype)
