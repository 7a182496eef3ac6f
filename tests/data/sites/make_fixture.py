"""Regenerate the MoTrPAC phosphosite fixture (run from the checkout root):

    python tests/data/sites/make_fixture.py ../shared/data/motrpac-rat-training

Keeps contrasts F_8W and M_8W of PHOSPHO_GN_NORM_DA and, per contrast, the same
~150 sites: every site of the proteins named below (kinase readouts and multi-site
peptides), then the first sites in file order until 150; and the RAT_TO_HUMAN_SITE
rows of those sites. Values unchanged. Source: MoTrPAC/MotrpacRatTraining6moMuscleData
@ 9ac3ae581cda2517d96c8cf3542b6e950f857bd0, MIT.
"""

import sys
from pathlib import Path

import pandas as pd

PROTEINS = ("NP_001101811.1", "XP_006251066.1", "NP_476476.1", "NP_001011991.1", "NP_058789.1",
            "NP_036651.1", "XP_038949896.1", "XP_017453731.1", "NP_001002016.2")
src = Path(sys.argv[1])
out = Path(__file__).resolve().parent
da = pd.read_csv(src / "PHOSPHO_GN_NORM_DA_trained_vs_SED.tsv.gz", sep="\t", dtype={"entrez_id": str})
da = da[da["contrast"].isin(["F_8W - F_SED", "M_8W - M_SED"])]
prot = da["featureName"].str.rpartition("_")[0]
keep = list(dict.fromkeys(da.loc[prot.isin(PROTEINS), "featureName"]))
for f in da["featureName"]:
    if len(keep) >= 150:
        break
    if f not in keep:
        keep.append(f)
cols = ["contrast", "featureName", "gene_symbol", "logFC", "t", "z", "P.Value", "adj.P.Val"]
da[da["featureName"].isin(keep)][cols].to_csv(out / "motrpac_phospho_8w.tsv", sep="\t", index=False)
m = pd.read_csv(src / "RAT_TO_HUMAN_SITE.tsv.gz", sep="\t", dtype=str, keep_default_na=False)
m[m["ptm_id_rat_refseq"].isin(keep)].to_csv(out / "motrpac_rat_to_human_site.tsv", sep="\t", index=False)
