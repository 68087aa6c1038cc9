"""Reports of runs: per-run Markdown and plots, several seeds with intervals, and the stderr tables."""
