"""`python -m generator` runs the newsgloss command line."""

from generator.cli import main

main()
