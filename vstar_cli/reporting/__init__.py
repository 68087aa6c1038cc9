"""Reports over runs: summaries, tables, the online arm beside the cycles."""
