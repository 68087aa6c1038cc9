"""One module per ``vstar`` command: option parsing and I/O around a stage's ``run``."""
