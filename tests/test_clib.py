"""The compiled kernels library is built at install time and loads without a compiler at run time."""

import ctypes

import numpy as np
import pytest

from mamsets.engines import _clib


def test_library_loads_with_the_expected_abi():
    assert _clib.LIB.mamsets_abi_version() == _clib.ABI_VERSION


def test_ptr_refuses_wrong_dtype_and_non_contiguous_arrays():
    good = np.zeros(4, dtype=np.float64)
    assert ctypes.addressof(_clib.ptr(good, _clib.f64p).contents) == good.ctypes.data
    with pytest.raises(TypeError, match="float64"):
        _clib.ptr(np.zeros(4, dtype=np.float32), _clib.f64p)
    with pytest.raises(TypeError, match="C-contiguous"):
        _clib.ptr(np.zeros(8)[::2], _clib.f64p)
