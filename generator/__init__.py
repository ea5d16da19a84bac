"""newsgloss: a static site generator for annotated news."""

__version__ = "0.1.0"
