"""Real example data shipped with mamsets (see ``mamsets/data/examples/README.md``).

=========================  ==============================================================
name                       what
=========================  ==============================================================
``motrpac_gn_8w``          MoTrPAC rat gastrocnemius, 8 weeks of endurance training vs
                           sedentary, limma table, female and male contrasts (MIT)
``motrpac_rat_to_human``   the MoTrPAC authors' rat -> human ortholog map (MIT)
=========================  ==============================================================
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pandas as pd

from ..errors import InputError

__all__ = ["EXAMPLES", "example_path", "load_example"]

#: Example name -> (file, one-line description).
EXAMPLES: dict[str, tuple[str, str]] = {
    "motrpac_gn_8w": (
        "motrpac_gn_8w.tsv.gz",
        (
            "MoTrPAC rat gastrocnemius, 8 weeks endurance training vs sedentary (limma; F and M "
            "contrasts; rat symbols and Ensembl ids; MIT licence)"
        ),
    ),
    "motrpac_rat_to_human": (
        "motrpac_rat_to_human.tsv.gz",
        "MoTrPAC authors' rat -> human ortholog map (MIT licence)",
    ),
}


def example_path(name: str = "motrpac_gn_8w") -> Path:
    """Path of a bundled example file (works from a wheel and from a checkout).

    Parameters
    ----------
    name : str
        One of :data:`EXAMPLES`.
    """
    if name not in EXAMPLES:
        raise InputError(f"name={name!r}: unknown example; choose one of {sorted(EXAMPLES)}")
    ref = resources.files("mamsets") / "data" / "examples" / EXAMPLES[name][0]
    path = Path(str(ref))
    if not path.is_file():  # pragma: no cover - broken installation
        raise FileNotFoundError(
            f"bundled example {name!r} is missing at {path}; reinstall mamsets"
        )
    return path


def load_example(name: str = "motrpac_gn_8w") -> pd.DataFrame:
    """Load a bundled real example as a DataFrame (values as published).

    Parameters
    ----------
    name : str
        ``"motrpac_gn_8w"`` (default): the MoTrPAC rat gastrocnemius limma
        table for 8 weeks of endurance training vs sedentary controls, one row
        per gene and contrast (``F_8W - F_SED``, ``M_8W - M_SED``), columns
        ``contrast, featureName, gene_symbol, logFC, t, z, P.Value, adj.P.Val``.
        ``"motrpac_rat_to_human"``: the authors' ortholog map, columns
        ``rat_symbol, rat_ensembl, rat_entrez, human_symbol, human_entrez,
        support_n``.

    Returns
    -------
    pandas.DataFrame

    Notes
    -----
    MoTrPAC stored ``t`` rounded to 3 decimals (61-67% of values tied within a
    contrast); rank by the unrounded ``z`` column, which
    :func:`mamsets.io.ranking.read_ranking` chooses by default.

    References
    ----------
    .. [1] MoTrPAC Study Group. Temporal multi-omic analysis uncovers sex-biased molecular
       programs underlying muscle adaptation to endurance training. Data package
       MotrpacRatTraining6moMuscleData, https://github.com/MoTrPAC/MotrpacRatTraining6moMuscleData
    .. [2] MoTrPAC Study Group (2024) Temporal dynamics of the multi-omic response to endurance
       exercise training. Nature 629:174-183. doi:10.1038/s41586-023-06877-w

    Examples
    --------
    >>> df = load_example("motrpac_gn_8w")
    >>> sorted(df["contrast"].unique())
    ['F_8W - F_SED', 'M_8W - M_SED']
    """
    path = example_path(name)
    dtypes = {"rat_entrez": "Int64", "human_entrez": "Int64", "support_n": "Int64"}
    df = pd.read_csv(path, sep="\t", dtype={k: v for k, v in dtypes.items()} if "rat" in name else None)
    return df
