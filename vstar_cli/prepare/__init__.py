"""Public dataset annotations -> labeled records: the converters and what they share."""
