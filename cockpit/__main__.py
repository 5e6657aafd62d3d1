"""``cockpit``'s entry point (pyproject's console script), and ``python -m cockpit``.

Nothing is imported at module level. multiprocessing's spawn runs the parent's main
script again in each child it starts (the log process, the pattern miner), so the
console script's import of its entry point runs there too: with ``cockpit.cli:main`` it
loaded click and the CLI into both children, which never use them (measured under a
console-script wrapper, ``cockpit open`` with a log command: the log process and the
miner at 23.8 and 27.3 MB RSS before, 22.6 and 26.2 MB after).

Garbage collection is paused from here, not from the screen commands: importing click and
the CLI ran 31 collections, ~13 ms of the cold start, over objects that all live as long
as the process. The CLI resumes it at once for every command but the three that open the
screen (``cockpit.cli.SCREEN_COMMANDS``), and those resume it once the panes are filled
(``cockpit/ui/startup.py``). Whatever happens, ``main`` returns with collection on.
"""

from __future__ import annotations

from typing import Any


def main(argv: list[str] | None = None) -> Any:
    import gc

    collecting = gc.isenabled()
    gc.disable()
    try:
        from cockpit.cli import main as cli_main

        return cli_main(argv)
    finally:
        if collecting:
            gc.enable()  # already so unless the command failed before it could


if __name__ == "__main__":
    main()
