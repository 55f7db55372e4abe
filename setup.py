"""Build the compiled cores (Cython); everything else is declared in pyproject.toml.

PyICU already needs a C++ compiler at install time, so compiling these adds no new
requirement. ``-ffp-contract=off`` keeps every product and sum rounded as written (no
fused multiply-add), so scores are the same on every machine.
"""

from Cython.Build import cythonize
from setuptools import Extension, setup

FLAGS = ["-O2", "-ffp-contract=off"]

setup(
    ext_modules=cythonize(
        [
            Extension("watchlist.match._align", ["src/watchlist/match/_align.pyx"], extra_compile_args=FLAGS),
            Extension("watchlist.index._postings", ["src/watchlist/index/_postings.pyx"], extra_compile_args=FLAGS),
        ],
        compiler_directives={"language_level": "3"},
    )
)
