"""corpus -> chunks -> index: reading files (`corpus`), splitting them (`chunking`), keeping the index in line with the folder (`indexer`)."""
