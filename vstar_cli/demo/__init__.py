"""The embedded default dataset and model of `make demo`: rendered clips with labels, and tiny
random-weight video LVLMs of real architectures with tokenizers trained here."""
