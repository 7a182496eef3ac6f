"""The collection's cached member codes and its streamed SHA-256 equal their plain definitions."""

from __future__ import annotations

import hashlib
import pickle
from itertools import chain

from mamsets.model import GeneSet, GeneSetCollection


def _collection() -> GeneSetCollection:
    sets = [GeneSet(id=f"S{i}", genes=tuple(f"g{(i * 7 + j) % 50}" for j in range(i % 13)),
                    description=("d" * (i % 3)))
            for i in range(600)]
    return GeneSetCollection(sets=tuple(sets), name="t")


def test_sha256_equals_the_hash_of_the_canonical_text() -> None:
    for col in (_collection(), GeneSetCollection(sets=()), GeneSetCollection.from_dict(
            {"A": ["x", "y"], "B": [], "C": ["\u00e9"]})):
        assert col.sha256 == hashlib.sha256(col.canonical_text().encode("utf-8")).hexdigest()


def test_member_index_decodes_to_every_set_and_is_not_pickled() -> None:
    col = _collection()
    before = col.genes
    mi = col.member_index
    genes = mi.genes.tolist()
    assert genes == list(dict.fromkeys(chain.from_iterable(gs.genes for gs in col)))
    assert mi.sizes.tolist() == [len(gs) for gs in col]
    flat = [genes[c] for c in mi.codes.tolist()]
    assert flat == list(chain.from_iterable(gs.genes for gs in col))
    assert col.genes == before
    again = pickle.loads(pickle.dumps(col))
    assert "member_index" not in again.__dict__ and again == col
    assert again.member_index.codes.tolist() == mi.codes.tolist()
    empty = GeneSetCollection(sets=())
    assert empty.member_index.codes.size == 0 and empty.genes == frozenset()
