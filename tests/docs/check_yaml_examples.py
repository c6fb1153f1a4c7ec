#!/usr/bin/env python3
"""Validates every YAML workflow example in the documentation.

Reads the ```yaml blocks of README.md, docs/*.md, sdk/README.md and
plugins/*/README.md and runs `linkhub validate --format json` on each one
that is a workflow, with the built-in plugins:

- a block with a top-level `steps:` is a whole workflow: it must be valid;
- a block that starts with `- id:` is a list of steps taken from a larger
  workflow: it is wrapped in one, and only the diagnostics about the steps
  themselves count (not references to steps, needs and inputs the excerpt
  leaves out);
- any other block (linkhub.yaml settings, a `triggers:` excerpt) is not a
  workflow and is skipped.

An example meant to fail says so on the line before its fence:
    <!-- example: fails unknown-uses -->
and must then fail with exactly those diagnostic codes (comma-separated).
Usage: check_yaml_examples.py LINKHUB_BINARY SOURCE_ROOT
"""
import json
import pathlib
import re
import subprocess
import sys
import tempfile

# What an excerpt cannot satisfy on its own: the steps and inputs around it,
# and the workflows beside it (workflow.start's target).
CONTEXT_CODES = {"unknown-need", "unknown-step-ref", "unknown-input-ref", "unknown-workflow"}
FENCE = re.compile(r"^```ya?ml[ \t]*\n(.*?)^```", re.S | re.M)
MARK = re.compile(r"<!--\s*example:\s*fails\s+([a-z0-9_,\s-]+?)\s*-->\s*$")


def documents(root):
    yield root / "README.md"
    yield from sorted((root / "docs").glob("*.md"))
    yield root / "sdk" / "README.md"
    yield from sorted(root.glob("plugins/*/README.md"))


def main():
    linkhub, root = sys.argv[1], pathlib.Path(sys.argv[2])
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="linkhub-doc-examples-"))
    checked = failures = 0
    for doc in documents(root):
        if not doc.exists():
            continue
        text = doc.read_text(encoding="utf-8")
        for m in FENCE.finditer(text):
            body = m.group(1)
            line = text.count("\n", 0, m.start()) + 1
            where = f"{doc.relative_to(root)}:{line}"
            before = text[: m.start()].rstrip("\n").rsplit("\n", 1)[-1]
            mark = MARK.search(before)
            expected = {c.strip() for c in mark.group(1).split(",")} if mark else set()
            excerpt = body.lstrip().startswith("- id:")
            if excerpt:
                body = "name: doc-example\nsteps:\n" + "".join(
                    "  " + l if l.strip() else l for l in body.splitlines(True))
            elif not re.search(r"^steps:", body, re.M):
                continue
            path = tmp / f"{doc.stem}-{line}.yaml"
            path.write_text(body, encoding="utf-8")
            run = subprocess.run([linkhub, "validate", "--format", "json", str(path)],
                                 capture_output=True, text=True, timeout=120)
            try:
                diagnostics = json.loads(run.stdout) if run.stdout.strip() else []
            except json.JSONDecodeError:
                print(f"{where}: linkhub validate printed no JSON (exit {run.returncode}): {run.stderr.strip()}")
                failures += 1
                continue
            if excerpt:
                diagnostics = [d for d in diagnostics if d.get("code") not in CONTEXT_CODES]
            got = {d.get("code") for d in diagnostics}
            checked += 1
            if got != expected:
                failures += 1
                want = "to be valid" if not expected else "to fail with " + ", ".join(sorted(expected))
                print(f"{where}: expected the example {want}, got:")
                for d in diagnostics:
                    print(f"    {d.get('code')} at {d.get('line')}:{d.get('column')}: {d.get('message')}")
            else:
                print(f"{where}: ok" + (f" (fails with {', '.join(sorted(expected))}, as marked)" if expected else ""))
    print(f"{checked} examples checked, {failures} wrong")
    if checked == 0:
        print("no example found: is SOURCE_ROOT right?")
        return 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
