"""The cockpit's panes, one small module each."""
