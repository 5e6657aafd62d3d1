"""The incident domain: events, the journal that stores them, the post-mortem."""
