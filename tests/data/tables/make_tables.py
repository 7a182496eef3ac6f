"""Regenerate the small, synthetic results tables in this folder (fixed seed).

The genes are real human HGNC symbols (HGNC data: no restrictions, cite HGNC):
the 42 genes of the Li et al. 2024 figure 3 PFOCR keyword set, a few MAM
neighbours, 64 oxidative-phosphorylation subunits (shifted up, as a positive
control) and filler genes chosen from HGNC protein-coding symbols. Values are
simulated, not real measurements. Each file mimics how R writes that tool's
result table. Run from the repository root: ``python tests/data/tables/make_tables.py``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

HERE = Path(__file__).parent
FIGURE = ["CXCL12", "SLC2A4", "ITPR1", "ITPR3", "RYR1", "RYR2", "RYR3", "MCU", "TG", "GNAO1", "GNAI1", "GNAI2", "GNAI3", "GNAT1", "GNAT2", "GNAT3", "GNAZ", "GNAS", "GNAL", "GNAQ", "GNA11", "GNA14", "GNA15", "GNA12", "GNA13", "MFN2", "MAPKAP1", "MTOR", "RICTOR", "MLST8", "FUNDC1", "PRKAA1", "PRKAA2", "PRKAB1", "PRKAB2", "PRKAG1", "PRKAG2", "PRKAG3", "SGCG", "FIS1", "PPARGC1A", "KCNJ4"]
NEIGHBOURS = ["ITPR2", "PRKN", "PINK1", "VDAC1", "HSPA9", "DNM1L", "OPA1", "MFN1", "ATF4", "DDIT3", "ERN1", "EIF2AK3", "ATF6", "XBP1", "HSPA5", "PLCB1", "PLCB2", "PLCB3", "PLCB4", "PRR5", "MICU1", "MICU2", "EMRE", "SIGMAR1", "PACS2", "BAP31", "CANX", "CALR", "SERCA2"]
OXPHOS = ["NDUFA1", "NDUFA2", "NDUFA3", "NDUFA4", "NDUFA5", "NDUFA6", "NDUFA7", "NDUFA8", "NDUFA9", "NDUFA10", "NDUFA11", "NDUFA12", "NDUFA13", "NDUFB1", "NDUFB2", "NDUFB3", "NDUFB4", "NDUFB5", "NDUFB6", "NDUFB7", "NDUFB8", "NDUFB9", "NDUFB10", "NDUFB11", "NDUFS1", "NDUFS2", "NDUFS3", "NDUFS4", "NDUFS5", "NDUFS6", "NDUFS7", "NDUFS8", "NDUFV1", "NDUFV2", "NDUFV3", "SDHA", "SDHB", "SDHC", "SDHD", "UQCRC1", "UQCRC2", "UQCRFS1", "UQCRB", "UQCRQ", "UQCRH", "UQCR10", "UQCR11", "CYC1", "COX4I1", "COX5A", "COX5B", "COX6A1", "COX6B1", "COX6C", "COX7A2", "COX7B", "COX7C", "COX8A", "ATP5F1A", "ATP5F1B", "ATP5F1C", "ATP5F1D", "ATP5F1E", "ATP5PB"]
N_GENES = 400


def genes(rng: np.random.Generator) -> list[str]:
    hgnc = pd.read_csv(
        HERE.parents[3] / "shared/data/geneids/hgnc_complete_set_2024-10.txt.gz",
        sep="\t", usecols=["symbol", "locus_group"], low_memory=False,
    )
    pc = sorted(set(hgnc.loc[hgnc["locus_group"] == "protein-coding gene", "symbol"]))
    fixed = list(dict.fromkeys(FIGURE + [g for g in NEIGHBOURS if g in set(pc)] + OXPHOS))
    pool = sorted(set(pc) - set(fixed))
    filler = list(rng.choice(pool, N_GENES - len(fixed), replace=False))
    out = fixed + filler
    rng.shuffle(out)
    return [str(g) for g in out]


def simulate(rng: np.random.Generator, gene: list[str], shift: float) -> pd.DataFrame:
    n = len(gene)
    effect = np.where(np.isin(gene, OXPHOS), shift, 0.0) + rng.normal(0, 1.2, n)
    se = rng.uniform(0.15, 0.4, n)
    lfc = effect * se
    t = lfc / se + rng.normal(0, 0.3, n)
    df = 20.0
    p = 2 * stats.t.sf(np.abs(t), df)
    padj = stats.false_discovery_control(p, method="bh")
    return pd.DataFrame({"gene": gene, "lfc": lfc, "se": se, "t": t, "p": p, "padj": padj})


def main() -> None:
    rng = np.random.default_rng(20261125)
    gene = genes(rng)
    base = simulate(rng, gene, shift=2.5)
    order = np.argsort(base["p"].to_numpy(), kind="stable")
    top = base.iloc[order].reset_index(drop=True)

    # DESeq2: write.csv(as.data.frame(res)); two all-zero genes give NA everywhere
    z = top["t"].to_numpy()
    pz = 2 * stats.norm.sf(np.abs(z))
    deseq = pd.DataFrame(
        {
            "": top["gene"],
            "baseMean": np.round(rng.lognormal(6, 1.5, len(top)), 4),
            "log2FoldChange": top["lfc"],
            "lfcSE": top["se"],
            "stat": z,
            "pvalue": pz,
            "padj": stats.false_discovery_control(pz, method="bh"),
        }
    )
    zero = pd.DataFrame({"": ["ZERO1", "ZERO2"], "baseMean": [0.0, 0.0]})
    deseq = pd.concat([deseq, zero], ignore_index=True)
    deseq.to_csv(HERE / "deseq2.csv", index=False, na_rep="NA", lineterminator="\n")

    # limma: write.table(topTable(fit, n = Inf), sep = "\t", quote = FALSE)
    limma = pd.DataFrame(
        {
            "logFC": top["lfc"].to_numpy(),
            "AveExpr": np.round(rng.normal(6, 2, len(top)), 4),
            "t": top["t"].to_numpy(),
            "P.Value": top["p"].to_numpy(),
            "adj.P.Val": top["padj"].to_numpy(),
            "B": np.round(rng.normal(0, 2, len(top)), 4),
        },
        index=top["gene"],
    )
    text = "\t".join(limma.columns) + "\n" + limma.to_csv(sep="\t", header=False, lineterminator="\n")
    (HERE / "limma.tsv").write_text(text)

    # edgeR: write.table(topTags(lrt, n = Inf)$table, sep = "\t") (quoted, no header for rownames)
    edger = pd.DataFrame(
        {
            "logFC": top["lfc"].to_numpy(),
            "logCPM": np.round(rng.normal(5, 2, len(top)), 4),
            "PValue": top["p"].to_numpy(),
            "FDR": top["padj"].to_numpy(),
        },
        index=top["gene"],
    )
    lines = ["\t".join(f'"{c}"' for c in edger.columns)]
    for g, row in edger.iterrows():
        lines.append("\t".join([f'"{g}"', *(repr(float(v)) for v in row)]))
    (HERE / "edger.tsv").write_text("\n".join(lines) + "\n")

    # Seurat FindMarkers: write.csv(markers); p-values underflow to 0 for the strongest genes
    p_val = top["p"].to_numpy() ** 8
    p_val[:3] = 0.0
    seurat = pd.DataFrame(
        {
            "": top["gene"],
            "p_val": p_val,
            "avg_log2FC": top["lfc"].to_numpy() * 2,
            "pct.1": np.round(rng.uniform(0.1, 1, len(top)), 3),
            "pct.2": np.round(rng.uniform(0.1, 1, len(top)), 3),
            "p_val_adj": np.minimum(1.0, p_val * 20000),
        }
    )
    seurat.to_csv(HERE / "seurat.csv", index=False, lineterminator="\n")

    # long limma table: one block per contrast (e.g. rbind of topTable per coef)
    blocks = []
    for name, shift in (("trained_vs_sedentary", 2.5), ("detrained_vs_sedentary", 0.0)):
        sim = simulate(rng, gene, shift=shift)
        blocks.append(
            pd.DataFrame(
                {
                    "contrast": name,
                    "gene": sim["gene"],
                    "logFC": sim["lfc"],
                    "t": sim["t"],
                    "P.Value": sim["p"],
                    "adj.P.Val": sim["padj"],
                }
            )
        )
    pd.concat(blocks).to_csv(HERE / "limma_long.tsv", sep="\t", index=False, lineterminator="\n")

    # GSEA .rnk: two tab-separated columns, no header, a comment line
    rnk = top.sort_values("t", ascending=False)
    body = "".join(f"{g}\t{v:.6f}\n" for g, v in zip(rnk["gene"], rnk["t"]))
    (HERE / "ranking.rnk").write_text("# simulated ranking, see make_tables.py\n" + body)


if __name__ == "__main__":
    main()
