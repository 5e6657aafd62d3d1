"""The Textual app the on-call engineer lives in (the only package that imports Textual)."""
