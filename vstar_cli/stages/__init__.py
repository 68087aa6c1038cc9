"""Pipeline stages: plain generator functions over records, with no I/O of their own."""
