"""Side-by-side performance runs of panel_state and Panel 1.9.

Each ``bench_*.py`` module exposes ``run() -> list[dict]`` and prints its own table when
run as a script; ``python -m benchmarks`` runs them all and prints one table. See
``benchmarks/README.md``.
"""
