"""The main screen and the small modal dialogs."""
