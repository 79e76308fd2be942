"""Detection helpers every provider shares: found values with their sources, version files, Procfiles."""
