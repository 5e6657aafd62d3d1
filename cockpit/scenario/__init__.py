"""Scenario files and the loopback simulator behind ``cockpit demo``."""
