#!/usr/bin/env python3
"""Lists the Swift functions, initializers and subscripts longer than LIMIT lines (default
60, the house limit), longest first, skipping generated code.

    python3 scripts/long-functions.py            # Sources, over 60 lines
    python3 scripts/long-functions.py 40 Tests

A line count by braces, not a parser: strings and comments are skipped roughly.
"""
import re, sys, pathlib
limit = int(sys.argv[1]) if len(sys.argv) > 1 else 60
root = pathlib.Path(sys.argv[2] if len(sys.argv) > 2 else "Sources")
decl = re.compile(r'^\s*(?:@\w+(?:\([^)]*\))?\s+)*(?:(?:package|public|private|fileprivate|internal|static|class|override|mutating|nonisolated|final|convenience|required)\s+)*(func\s+[^\s(<]+|init[?!]?\s*[(<]|subscript)')
results = []
for path in root.rglob("*.swift"):
    if "Generated" in path.parts:
        continue
    lines = path.read_text().splitlines()
    i = 0
    while i < len(lines):
        m = decl.match(lines[i])
        if not m:
            i += 1
            continue
        # find the opening brace of the body
        depth = 0
        start = i
        j = i
        opened = False
        in_multiline = False
        while j < len(lines):
            text = lines[j]
            if '"""' in text:
                if text.count('"""') % 2 == 1:
                    in_multiline = not in_multiline
                j += 1
                continue
            if in_multiline:
                j += 1
                continue
            stripped = re.sub(r'"(?:\\.|[^"\\])*"', '""', text)
            stripped = stripped.split("//")[0]
            for ch in stripped:
                if ch == "{":
                    depth += 1
                    opened = True
                elif ch == "}":
                    depth -= 1
            if opened and depth <= 0:
                break
            if not opened and j > start and (decl.match(lines[j]) or stripped.strip() == ""):
                break  # protocol requirement without body
            j += 1
        if opened:
            length = j - start + 1
            if length > limit:
                results.append((length, f"{path}:{start + 1}", m.group(1).strip()))
        i = start + 1
for length, where, name in sorted(results, reverse=True):
    print(f"{length:5} {where} {name}")
