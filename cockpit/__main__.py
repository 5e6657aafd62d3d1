"""``cockpit``'s entry point (pyproject's console script), and ``python -m cockpit``.

Nothing is imported at module level. multiprocessing's spawn runs the parent's main
script again in each child it starts (the log process, the pattern miner), so the
console script's import of its entry point runs there too: with ``cockpit.cli:main`` it
loaded click and the CLI into both children, which never use them (measured under a
console-script wrapper, ``cockpit open`` with a log command: the log process and the
miner at 23.8 and 27.3 MB RSS before, 22.6 and 26.2 MB after).
"""

from __future__ import annotations

from typing import Any


def main(argv: list[str] | None = None) -> Any:
    from cockpit.cli import main as cli_main

    return cli_main(argv)


if __name__ == "__main__":
    main()
