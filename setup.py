"""Build steps pyproject.toml cannot declare: the compiled kernels and the bundled library.

* ``mamsets.engines._ckernels``: every ``src/mamsets/engines/_c/*.c`` compiled into one shared
  library at install time (gcc and the Python headers are all it needs), so the first GSEA call
  does not wait for a JIT compiler.
* ``mamsets._strindex``: ``src/mamsets/_c/strindex.c``, the codes of a collection's members
  (``GeneSetCollection.member_index``; a CPython extension, below the engines).
* ``genesets/`` (the curated library, the source of truth at the top of the repository) is
  copied into the wheel as ``mamsets/_genesets``; editable installs read it from the checkout.
"""

import shutil
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).parent
C_DIR = Path("src/mamsets/engines/_c")


class BuildPyWithGenesets(build_py):
    """``build_py`` that also places ``genesets/`` at ``mamsets/_genesets`` in the build."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "mamsets" / "_genesets"
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(HERE / "genesets", target)


kernels = Extension(
    "mamsets.engines._ckernels",
    sources=sorted(str(p) for p in C_DIR.glob("*.c")),
    depends=sorted(str(p) for p in C_DIR.glob("*.h")),
    extra_compile_args=["-O3", "-std=c11", "-fno-math-errno", "-Wall"],
)

strindex = Extension(
    "mamsets._strindex",
    sources=["src/mamsets/_c/strindex.c"],
    extra_compile_args=["-O3", "-std=c11", "-Wall"],
)

setup(ext_modules=[kernels, strindex], cmdclass={"build_py": BuildPyWithGenesets})
