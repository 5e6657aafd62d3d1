"""Allow `python -m cockpit` (guarded: the pattern worker's spawned process imports it)."""

from cockpit.cli import main

if __name__ == "__main__":
    main()
