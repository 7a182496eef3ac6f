#!/usr/bin/env bash
# Run from a folder outside the checkout with the wheel installed: the library must load
# from the installed package data and export in every species and identifier type.
set -euo pipefail
BIN="$1"
"$BIN/python" - <<'PY'
import pathlib, mamsets
here = pathlib.Path(mamsets.__file__).resolve()
assert "site-packages" in str(here), f"mamsets imported from the checkout, not the wheel: {here}"
print("mamsets", mamsets.__version__, "from", here.parent)
PY
if "$BIN/python" -c "import mamsets.cli.sets" 2>/dev/null; then
  "$BIN/mamsets" sets list
  for sp in human mouse rat; do
    for idt in symbol entrez ensembl; do
      "$BIN/mamsets" sets export --species "$sp" --id-type "$idt" --format gmt -o "out/$sp.$idt.gmt"
      "$BIN/mamsets" validate "out/$sp.$idt.gmt"
      test "$(wc -l < "out/$sp.$idt.gmt")" -gt 10
    done
  done
  "$BIN/mamsets" sets export --format json -o out/library.json
  "$BIN/mamsets" sets export --format tsv -o out/library.tsv
  ls -l out
fi
