#!/usr/bin/env bash
# Run from a folder outside the checkout with the wheel installed: the library must load
# from the installed package data and export in every species and identifier type.
set -euo pipefail
BIN="$1"
"$BIN/python" - <<'PY'
import pathlib, mamsets as ms
here = pathlib.Path(ms.__file__).resolve()
assert "site-packages" in str(here), f"mamsets imported from the checkout, not the wheel: {here}"
print("mamsets", ms.__version__, "from", here.parent)
for sp in ("human", "mouse", "rat"):
    for idt in ("symbol", "entrez", "ensembl"):
        lib, ctl = ms.library(sp, idt), ms.controls(sp, idt)
        assert len(lib) >= 20 and len(ctl) >= 3, (sp, idt, len(lib), len(ctl))
print("library", ms.library_version(), len(ms.library()), "sets; exclusions", len(ms.exclusions()))
PY
"$BIN/mamsets" sets list
mkdir -p out
for sp in human mouse rat; do
  for idt in symbol entrez ensembl; do
    "$BIN/mamsets" sets export --species "$sp" --id-type "$idt" --format gmt -o "out/mams.$sp.$idt.gmt"
    "$BIN/mamsets" sets export --controls --species "$sp" --id-type "$idt" --format gmt -o "out/controls.$sp.$idt.gmt"
    "$BIN/mamsets" validate "out/mams.$sp.$idt.gmt"
    test "$(wc -l < "out/mams.$sp.$idt.gmt")" -ge 20
  done
done
"$BIN/mamsets" sets export --format json -o out/library.json
"$BIN/mamsets" sets export --format tsv -o out/library.tsv
# refusing to overwrite is part of the contract
if "$BIN/mamsets" sets export --format tsv -o out/library.tsv 2>/dev/null; then
  echo "export overwrote an existing file without --force" >&2; exit 1
fi
ls -l out
# the main job on built-in defaults, from the installed wheel
"$BIN/mamsets" run -o out/run
test -s out/run/results.tsv && test -s out/run/report.html && ls out/run/plots/*.png >/dev/null
# the claims answer the main job leads with, from the installed wheel (claims.toml, kinases.toml,
# the Jinja2 templates and the curation tables are package data)
test -s out/run/claims.tsv
grep -q "id='claims'" out/run/report.html
"$BIN/mamsets" claims list | grep -q DYN3_AMPK
"$BIN/python" - <<'PY'
import mamsets as ms
assert len(ms.figure_claims()) == 19
assert set(ms.kinase_sets().ids) == {"KINASE_AMPK", "KINASE_MTORC2", "KINASE_CAMKII"}
print("claims", len(ms.figure_claims()), "; kinase readout sites", len(ms.kinase_readouts()))
PY
