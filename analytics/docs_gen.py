"""Regenerate the generated blocks of docs/ (settings tables, CLI reference), or check them.

`python -m analytics.docs_gen` rewrites each block between its BEGIN/END GENERATED markers;
`python -m analytics.docs_gen --check` exits 1 when a committed block differs from the code.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path

from analytics.settings import settings_markdown

DOCS = Path(__file__).resolve().parent.parent / "docs"


def _cli_markdown() -> str:
    """The CLI reference, generated from the argparse parser."""
    from analytics.cli_docs import cli_markdown  # the parser module is only needed for this block

    return cli_markdown()


BLOCKS: dict[str, tuple[str, Callable[[], str]]] = {
    "settings": ("settings.md", settings_markdown),
    "cli": ("cli.md", _cli_markdown),
}


def _pattern(name: str) -> re.Pattern[str]:
    """The BEGIN ... END markers of one generated block, capturing its body."""
    begin = re.escape(f"<!-- BEGIN GENERATED: {name} ")
    return re.compile(rf"({begin}[^\n]*-->\n)(.*?)(<!-- END GENERATED: {name} -->)", re.S)


def generated_block(name: str) -> str:
    """The text a block should hold, from the code."""
    return BLOCKS[name][1]()


def committed_block(name: str, docs: Path = DOCS) -> str:
    """The text a block holds in the committed doc (ValueError without markers)."""
    text = (docs / BLOCKS[name][0]).read_text(encoding="utf-8")
    match = _pattern(name).search(text)
    if match is None:
        raise ValueError(f"docs/{BLOCKS[name][0]} has no GENERATED: {name} markers")
    return match.group(2)


def write_block(name: str, docs: Path = DOCS) -> None:
    """Replace a block's body in its doc with the generated text."""
    path = docs / BLOCKS[name][0]
    text = path.read_text(encoding="utf-8")
    body = generated_block(name)
    path.write_text(_pattern(name).sub(lambda m: m.group(1) + body + m.group(3), text), "utf-8")


def main(argv: list[str] | None = None) -> int:
    """Write every block, or with --check report the stale ones (exit 1)."""
    check = "--check" in (argv if argv is not None else sys.argv[1:])
    stale = [name for name in BLOCKS if committed_block(name) != generated_block(name)]
    if check:
        for name in stale:
            print(
                f"docs/{BLOCKS[name][0]}: block {name} is stale; run python -m analytics.docs_gen"
            )
        return 1 if stale else 0
    for name in stale:
        write_block(name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
