"""Token counts of the API's `usage`, with the real tokenizer of the embedding model.

The service has no language model of its own by default; the bundled encoder's tokenizer
(multilingual-e5-small: XLM-R's SentencePiece vocabulary, the `tokenizer.json` of the converted
model folder) is the one that reads every question and passage, so it counts here: prompt
tokens are those of the messages' texts (every role, content parts of type text), completion
tokens those of the returned message text. Special tokens are not counted. Loaded on first use,
one count at a time (a fast tokenizer shared between threads can fail, "Already borrowed").
"""
from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Iterable

from qa.config import BUNDLED_E5, Settings

logger = logging.getLogger(__name__)


class TokenCounter:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._tokenizer = None
        self._lock = threading.Lock()

    def _load(self):
        from tokenizers import Tokenizer

        name = self.settings.embedding_model
        if name == BUNDLED_E5:
            from qa.embedding.e5_bundle import ensure_bundled_model

            folder = ensure_bundled_model(self.settings.cache_dir)
        else:
            folder = Path(name)
        if (folder / "tokenizer.json").is_file():
            tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
            tokenizer.no_truncation()
            tokenizer.no_padding()
            return tokenizer.encode
        from transformers import AutoTokenizer  # another model given by name: its own tokenizer files

        fallback = AutoTokenizer.from_pretrained(name, local_files_only=True)
        return lambda text, add_special_tokens=False: _Ids(fallback(text, add_special_tokens=False)["input_ids"])

    def count(self, text: str) -> int:
        if not text:
            return 0
        with self._lock:
            if self._tokenizer is None:
                self._tokenizer = self._load()
            return len(self._tokenizer(text, add_special_tokens=False).ids)

    def usage(self, prompt: Iterable[str], completion: str) -> dict:
        """OpenAI's `usage` for prompt texts and the answer text."""
        prompt_tokens = sum(self.count(text) for text in prompt)
        completion_tokens = self.count(completion)
        return {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens}


class _Ids:
    def __init__(self, ids: list[int]) -> None:
        self.ids = ids
