"""Reports of runs: per-run Markdown and plots, several seeds with intervals, the online arm beside the
cycles, and the stderr tables."""
