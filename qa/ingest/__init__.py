"""corpus -> chunks -> index: the corpus formats (`formats`: suffix -> reader), cleaning a text
(`cleaning`), reading a file (`corpus`), splitting it (`chunking`), keeping the index in line with
the folder (`indexer`; what changed in it: `scan`)."""
