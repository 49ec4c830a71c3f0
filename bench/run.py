"""Run every benchmark in bench/ (each in its own process and database) and print the figures.

    python bench/run.py            # all, at the sizes DESIGN.md section 5 names
    python bench/run.py people     # only some
Extra arguments after `--` go to each benchmark (e.g. `-- --people 200000`).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    args = sys.argv[1:]
    extra: list[str] = []
    if "--" in args:
        index = args.index("--")
        args, extra = args[:index], args[index + 1 :]
    names = args or sorted(p.stem.removeprefix("bench_") for p in HERE.glob("bench_*.py"))
    failed = 0
    for name in names:
        script = HERE / f"bench_{name}.py"
        print(f"\n### {name}", flush=True)
        result = subprocess.run([sys.executable, str(script), *extra], cwd=HERE.parent)
        failed += result.returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
