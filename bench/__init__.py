"""cockpit benchmarks: speed and memory measured the same way every run (see README.md)."""
