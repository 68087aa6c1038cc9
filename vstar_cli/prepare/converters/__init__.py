"""Built-in dataset converters, one module each (each defines ``CONVERTER``)."""
