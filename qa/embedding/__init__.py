"""The embedding model (`embedder`) and the conversion of the bundled one (`e5_bundle`)."""
