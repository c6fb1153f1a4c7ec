#!/usr/bin/env python3
"""Validates the workflow examples in the docs with the real plugins.

Every fenced ```yaml block of README.md, docs/*.md and plugins/*/README.md
that looks like a whole workflow (a top-level `steps:` line) is written to a
file and checked with `linkhub validate`. A block meant to fail (an example of
an error, or of a plugin still to come) says so in its fence, ```yaml
expect-invalid (not rendered), or on its first line, `# expect: invalid`; it
must fail validation. Any other must pass. Step fragments (`- id: ...` lists)
are not checked: they refer to steps they do not show. Usage: check_yaml_examples.py LINKHUB_BINARY SOURCE_DIR
"""
import glob
import os
import re
import subprocess
import sys
import tempfile


def blocks(path):
    """(line number, text, marked invalid in the fence) of each ```yaml block."""
    out, current, start, invalid = [], None, 0, False
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            fence = re.match(r"^\s*```ya?ml(\s+expect-invalid)?\s*$", line)
            if current is None and fence:
                current, start, invalid = [], number + 1, bool(fence.group(1))
            elif current is not None and re.match(r"^\s*```\s*$", line):
                out.append((start, "".join(current), invalid))
                current = None
            elif current is not None:
                current.append(line)
    return out


def main():
    binary, source = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    files = [os.path.join(source, "README.md")]
    files += sorted(glob.glob(os.path.join(source, "docs", "*.md")))
    files += sorted(glob.glob(os.path.join(source, "plugins", "*", "README.md")))
    failures, checked = [], 0
    with tempfile.TemporaryDirectory() as tmp:
        for path in files:
            for line, text, marked in blocks(path):
                if not re.search(r"^steps:", text, re.M):
                    continue  # a config file or a fragment, not a workflow
                checked += 1
                expect_invalid = marked or text.lstrip().startswith("# expect: invalid")
                workflow = os.path.join(tmp, "example.yaml")
                with open(workflow, "w", encoding="utf-8") as f:
                    f.write(text)
                result = subprocess.run([binary, "validate", workflow], capture_output=True, text=True, cwd=tmp,
                                        timeout=60)
                where = f"{os.path.relpath(path, source)}:{line}"
                if expect_invalid and result.returncode == 0:
                    failures.append(f"{where}: marked `# expect: invalid` but validates")
                elif not expect_invalid and result.returncode != 0:
                    failures.append(f"{where}: does not validate:\n{result.stdout}{result.stderr}")
    for failure in failures:
        print(failure)
    print(f"{checked} workflow examples checked, {len(failures)} failed")
    return 1 if failures or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
