"""``mamsets._strindex.index_members`` (the C pass behind ``member_index``) equals its plain definition.

The oracle is a dict in order of first appearance. The cases hold what a hash table can get
wrong: equal strings that are different objects, strings of each storage width (latin-1,
UCS-2, UCS-4) whose hashes collide in the low bits, str subclasses, other hashable objects,
a table grown many times, and bad arguments.
"""

from __future__ import annotations

from itertools import chain

import numpy as np
import pytest
from mamsets._strindex import index_members


def _oracle(groups):
    first: dict = {}
    codes = [first.setdefault(m, len(first)) for m in chain.from_iterable(groups)]
    return list(first), codes


def _run(groups, dtype=np.int32):
    codes = np.full(sum(len(g) for g in groups), -7, dtype=dtype)
    genes = index_members(groups, codes)
    return genes, codes.tolist()


def _fresh(s: str) -> str:
    """An equal string that is a different object (as members read from two GMT lines are)."""
    return "".join(list(s))


def test_random_groups_match_the_dict_oracle_for_both_code_widths() -> None:
    rng = np.random.default_rng(5)
    alphabet = ["a", "B", "7", "\u00e9", "\u0394", "\u4e2d", "\U0001f600", "-"]
    words = ["".join(rng.choice(alphabet, size=int(rng.integers(1, 6)))) for _ in range(3000)]
    groups = []
    for _ in range(400):
        k = int(rng.integers(0, 60))
        picks = rng.choice(len(words), size=k, replace=False)
        groups.append(tuple(_fresh(words[i]) for i in picks))
    want_genes, want_codes = _oracle(groups)
    assert len(set(want_genes)) == len(want_genes) > 1000  # the table grew several times
    for dtype in (np.int32, np.int64):
        genes, codes = _run(groups, dtype)
        assert genes == want_genes and codes == want_codes
        # the distinct members are the first objects seen, not later equal copies
        first_obj = {}
        for m in chain.from_iterable(groups):
            first_obj.setdefault(m, m)
        assert all(g is first_obj[g] for g in genes)


def test_colliding_hashes_and_mixed_types_are_told_apart() -> None:
    class Same:  # every instance hashes alike; equal only to itself
        def __hash__(self) -> int:
            return 12345

    a, b = Same(), Same()
    groups = [("x", 1, 1.0, True, a, b, ("t", 1)), (b, "x", np.str_("x"), ("t", 1), None, 0, a)]
    want_genes, want_codes = _oracle(groups)
    genes, codes = _run(groups)
    assert codes == want_codes
    assert len(genes) == len(want_genes) and all(g is w for g, w in zip(genes, want_genes))


def test_empty_input_and_empty_groups() -> None:
    assert _run([]) == ([], [])
    assert _run([(), ("a",), ()]) == (["a"], [0])


def test_bad_arguments_raise_clear_errors() -> None:
    with pytest.raises(TypeError, match="int32 or int64"):
        index_members([("a",)], np.zeros(1, dtype=np.float64))
    with pytest.raises(ValueError, match="shorter"):
        index_members([("a", "b")], np.zeros(1, dtype=np.int32))
    with pytest.raises(ValueError, match="longer"):
        index_members([("a",)], np.zeros(2, dtype=np.int32))
    with pytest.raises(TypeError, match="unhashable"):
        index_members([("a", ["list"])], np.zeros(2, dtype=np.int32))
    with pytest.raises(TypeError, match="group 1 is not a sequence"):
        index_members([("a",), 5], np.zeros(2, dtype=np.int32))
    with pytest.raises(TypeError):
        index_members([("a",)], np.zeros(1, dtype=np.int32)[::-1].copy().view(np.int16))


def test_members_that_change_the_input_cannot_corrupt_it() -> None:
    """A member's __hash__ emptying the lists being read (the C code reads tuple copies)."""

    class Clearing:
        def __init__(self, target: list) -> None:
            self.target = target

        def __hash__(self) -> int:
            self.target.clear()
            return 1

    inner = ["a", "b", "c"]
    outer = [inner, ["d", "e"]]
    inner[1] = Clearing(outer)  # empties the outer list mid-pass
    outer[1][0] = Clearing(outer[1])  # empties its own group mid-pass
    codes = np.zeros(5, dtype=np.int32)
    got = index_members(outer, codes)
    assert got[0] == "a" and got[2] == "c" and got[4] == "e"
    assert isinstance(got[1], Clearing) and isinstance(got[3], Clearing)
    assert codes.tolist() == [0, 1, 2, 3, 4]


def test_hashes_differing_only_in_high_bits() -> None:
    """Ints times 2**24 share their low bits (the table spreads them by their top bits)."""
    members = tuple(k << 24 for k in range(5_000)) + tuple(k << 24 for k in range(0, 5_000, 7))
    genes, codes = _run([members], np.int64)
    assert (genes, codes) == _oracle([members])


def test_an_error_in_equality_propagates() -> None:
    class Bad:
        def __hash__(self) -> int:
            return 7

        def __eq__(self, other: object) -> bool:
            raise RuntimeError("no comparison")

    with pytest.raises(RuntimeError, match="no comparison"):
        index_members([(Bad(), Bad())], np.zeros(2, dtype=np.int32))


def test_a_missing_build_says_how_to_fix_it(monkeypatch) -> None:
    import sys

    from mamsets.errors import MamsetsError
    from mamsets.model import GeneSetCollection

    monkeypatch.setitem(sys.modules, "mamsets._strindex", None)  # import now fails
    col = GeneSetCollection.from_dict({"A": ["x", "y"]})
    with pytest.raises(MamsetsError, match="pip install -e ."):
        col.member_index
