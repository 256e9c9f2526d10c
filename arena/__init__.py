"""arena: a Core War laboratory (pMARS-exact MARS, Red Queen evolution, Textual TUI)."""

__version__ = "0.1.0"
