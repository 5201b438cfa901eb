#!/usr/bin/env python3
"""Checks that #include lines follow the layer rule: core <- modules <- {store, ingest, http, notify, report} <- app.

Every library sees all of src/ on its include path, so a wrong include would compile; this check,
run by CTest, is what makes it fail. Exit status 1 lists each offending line."""
import pathlib
import re
import sys

# What each layer may include from src/ (itself included).
ALLOWED = {
    "core": {"core"},
    "modules": {"core", "modules"},
    "store": {"core", "modules", "store"},
    "ingest": {"core", "modules", "ingest"},
    "http": {"core", "modules", "ingest", "report", "http"},  # routes call the parsers and renderers
    "notify": {"core", "modules", "notify"},
    "report": {"core", "modules", "report"},
    "app": {"core", "modules", "store", "ingest", "http", "notify", "report", "app"},
}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([a-z_]+)/')

def main() -> int:
    src = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "src")
    problems = []
    for path in sorted(src.rglob("*")):
        if path.suffix not in {".h", ".cc"}:
            continue
        layer = path.relative_to(src).parts[0]
        allowed = ALLOWED.get(layer)
        if allowed is None:
            problems.append(f"{path}: folder '{layer}' is not a known layer")
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            match = INCLUDE.match(line)
            if match and match.group(1) in ALLOWED and match.group(1) not in allowed:
                problems.append(f"{path}:{number}: {layer}/ must not include {match.group(1)}/ ({line.strip()})")
    for problem in problems:
        print(problem)
    print(f"layers: {len(problems)} problem(s)")
    return 1 if problems else 0

if __name__ == "__main__":
    sys.exit(main())
