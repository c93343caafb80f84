"""Question -> ranked hits: BM25 (`keyword`), dense + BM25 fusion (`hybrid`), the reranking stage (`rerank`), a LangChain adapter (`langchain`)."""
