"""How line repair and splitting scale with page size and line length (issue 12: linear on any input).

    python benchmarks/page_scaling.py [--base-kb 64] [--factors 1,4,16,64] [--modules DIR]

Two shapes per size: a page of many ordinary lines (the seed pages repeated), and a page that is one
long line full of '?' (a converter's lost characters, the input that made repair quadratic). For each,
prints one JSON line: the shape, the size, seconds for repair and for split, and peak memory
(tracemalloc) over both. Doubling-style factors show the growth: a linear stage grows ×4 per ×4 step.

``--modules DIR`` times ``DIR/repair.py`` and ``DIR/split.py`` instead of the installed ones (to compare
with an older version saved there).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import time
import tracemalloc
from pathlib import Path
from types import ModuleType

from five_star.seeds import seed_paths


def load(directory: Path | None, name: str, installed: str) -> ModuleType:
    if directory is None:
        return importlib.import_module(installed)
    spec = importlib.util.spec_from_file_location(f"_page_scaling_{name}", directory / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def many_lines(chars: int) -> str:
    seed = "\n\n".join(p.read_text(encoding="utf-8") for p in seed_paths())
    return (seed * (chars // len(seed) + 1))[:chars]


def long_line(chars: int) -> str:
    unit = "本报记者?盧松报道如何爭創五星支部?全村共有党员12名，"
    return (unit * (chars // len(unit) + 1))[:chars]


def measure(text: str, repair: ModuleType, split: ModuleType) -> dict[str, float]:
    """Seconds untraced (tracemalloc slows every allocation), then peak memory in a second, traced run."""
    started = time.perf_counter()
    lines = [""] + [repair.repair_line(line).text for line in text.split("\n")]
    repaired = time.perf_counter()
    split.split_lines(lines)
    done = time.perf_counter()
    tracemalloc.start()
    split.split_lines([""] + [repair.repair_line(line).text for line in text.split("\n")])
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"repair_s": round(repaired - started, 3), "split_s": round(done - repaired, 3), "peak_mb": round(peak / 1e6, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-kb", type=float, default=64, help="the 1× page size, in kB of characters")
    parser.add_argument("--factors", default="1,4,16,64")
    parser.add_argument("--shapes", default="many_lines,long_line")
    parser.add_argument("--modules", type=Path, help="folder holding repair.py and split.py to time instead")
    args = parser.parse_args()
    repair = load(args.modules, "repair", "five_star.store.reading.repair")
    split = load(args.modules, "split", "five_star.store.splitting.split")
    repair.repair_line("圖景?!敖衲甏 預熱?")  # load OpenCC and jieba outside the timings
    split.split_lines(["", "预热"])
    shapes = {"many_lines": many_lines, "long_line": long_line}
    for shape in args.shapes.split(","):
        for factor in (int(f) for f in args.factors.split(",")):
            chars = int(args.base_kb * 1000 * factor)
            text = shapes[shape](chars)
            result = {"shape": shape, "factor": factor, "chars": chars, "lines": text.count("\n") + 1}
            result.update(measure(text, repair, split))
            print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
