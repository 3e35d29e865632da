"""Strip outputs and execution counts from notebooks (pre-commit hook).

Usage: ``python scripts/strip_outputs.py NOTEBOOK...``; exits 1 if it changed a file.
"""

import json
import sys


def strip(path):
    with open(path, encoding="utf-8") as f:
        nb = json.load(f)
    changed = False
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        if cell.get("outputs") or cell.get("execution_count") is not None:
            changed = True
        cell["outputs"] = []
        cell["execution_count"] = None
    if changed:
        with open(path, "w", encoding="utf-8") as f:
            json.dump(nb, f, indent=1, ensure_ascii=False)
            f.write("\n")
    return changed


if __name__ == "__main__":
    sys.exit(1 if any([strip(p) for p in sys.argv[1:]]) else 0)
