"""Write sets.gmt: 40 random sets of P53 genes (the input of make_reference.R).

Run from the repository root: python tests/data/gsva_reference/make_sets.py ../shared/data/gsea-benchmarks/p53/P53.txt.gz
"""
import sys

import numpy as np
import pandas as pd

df = pd.read_csv(sys.argv[1], sep="\t")
genes = df["NAME"].astype(str)
ok = genes[~genes.str.upper().duplicated(keep=False) & ~genes.str.contains(r"\s")].tolist()
rng = np.random.default_rng(20261207)
sizes = [1, 2, 3, 5, 8, 10, 15, 20, 25, 30, 40, 50, 60, 75, 100, 120, 150, 200, 250, 300]
with open("tests/data/gsva_reference/sets.gmt", "w") as fh:
    for i, k in enumerate(sizes + sizes):
        g = rng.choice(ok, size=k, replace=False)
        fh.write("\t".join([f"RAND_{i:02d}_K{k}",
                            "random P53 genes (no case twins or spaces), seed 20261207", *g]) + "\n")
