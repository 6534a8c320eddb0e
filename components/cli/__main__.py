"""``python -m ampliform.cli``: the same command line as ``ampliform``."""

from ampliform.cli import run

run()
