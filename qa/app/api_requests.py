"""Request bodies of the API and their checks, with German messages naming the field at fault.

`ChatRequest` follows OpenAI's chat completions: sampling fields (temperature, top_p, seed,
stop, penalties, user …) are accepted and ignored; what we cannot honour is refused in German
(`ChatRequest.check`: n > 1, tools or a forced tool choice, a response_format other than text,
logprobs). `AskRequest` is one row of the `qa batch` contract plus filters and the answerer.
`question_and_history` turns OpenAI messages into our question and history, each earlier turn
at most `max_turn_chars` long; `german_validation` turns pydantic's errors into one German
sentence.

Not handled: images and other non-text content parts (ignored).
"""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from qa.errors import QuestionError
from qa.filters import API, make_filters
from qa.records import Filters, Turn

Role = Literal["system", "developer", "user", "assistant", "tool", "function"]


class ContentPart(BaseModel):
    model_config = ConfigDict(extra="ignore")
    type: str
    text: str | None = None


class Message(BaseModel):
    model_config = ConfigDict(extra="ignore")
    role: Role
    content: str | list[ContentPart] | None = None

    @property
    def text(self) -> str:
        if isinstance(self.content, list):
            return "".join(part.text or "" for part in self.content if part.type in ("text", "input_text"))
        return self.content or ""


class FilterFields(BaseModel):
    sources: list[str] | None = None
    date_from: str | None = None
    date_to: str | None = None
    question_time: bool = True  # prefer the time the question names (false: ignore it)

    def filters(self) -> Filters | None:
        return make_filters(self.sources, self.date_from, self.date_to, self.question_time, API)


class StreamOptions(BaseModel):
    model_config = ConfigDict(extra="ignore")
    include_usage: bool = False


class ChatRequest(FilterFields):
    model_config = ConfigDict(extra="ignore")
    model: str | None = None
    messages: list[Message]
    stream: bool = False
    stream_options: StreamOptions | None = None
    n: int | None = None
    tools: list[Any] | None = None
    tool_choice: str | dict | None = None
    functions: list[Any] | None = None
    response_format: dict | None = None
    logprobs: bool | None = None
    top_logprobs: int | None = None
    max_tokens: int | None = Field(default=None, ge=1)
    max_completion_tokens: int | None = Field(default=None, ge=1)

    @property
    def include_usage(self) -> bool:
        return bool(self.stream_options and self.stream_options.include_usage)

    @property
    def token_limit(self) -> int | None:
        """The client's limit on the answer's length (max_completion_tokens, else max_tokens)."""
        return self.max_completion_tokens or self.max_tokens

    def check(self) -> None:
        """What we cannot do, refused in German (QuestionError with the field at fault in `param`)."""
        if self.n is not None and self.n != 1:
            raise _refused("n", f"„n“ = {self.n}: dieser Dienst gibt genau eine Antwort je Anfrage (n = 1).")
        if self.tools or self.functions:
            raise _refused("tools", "Werkzeuge („tools“, „functions“) werden nicht unterstützt: die Antworten "
                                    "stammen nur aus den Artikeln.")
        forced = self.tool_choice if isinstance(self.tool_choice, dict) else None
        if forced is not None or self.tool_choice not in (None, "none", "auto"):
            raise _refused("tool_choice", "„tool_choice“ kann hier nur „none“ oder „auto“ sein: es gibt keine "
                                          "Werkzeuge.")
        kind = (self.response_format or {}).get("type", "text")
        if kind != "text":
            raise _refused("response_format", f"„response_format“ „{kind}“ wird nicht unterstützt; die Antwort ist "
                                              "immer Text (Markdown) mit Quellenangaben.")
        if self.logprobs or self.top_logprobs:
            raise _refused("logprobs", "„logprobs“ gibt es hier nicht: die Antworten zitieren die Artikel, "
                                       "Token-Wahrscheinlichkeiten fallen dabei nicht an.")


def _refused(field: str, message: str) -> QuestionError:
    error = QuestionError(message)
    error.param = field
    return error


class HistoryTurn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    role: Literal["user", "assistant"]
    content: str


class AskRequest(FilterFields):
    model_config = ConfigDict(extra="forbid")
    id: str | None = None
    question: str
    history: list[HistoryTurn] = []
    answerer: str | None = None


def question_and_history(messages: list[Message], max_turn_chars: int | None = None) -> tuple[str, list[Turn]]:
    """The last user message is the question; user and assistant messages before it the history
    (each at most `max_turn_chars` long, else a German QuestionError)."""
    if not messages:
        raise QuestionError("Die Liste „messages“ ist leer. Bitte mindestens eine Nachricht mit der Rolle "
                            "„user“ senden, die die Frage enthält.")
    last = max((i for i, m in enumerate(messages) if m.role == "user"), default=None)
    if last is None:
        raise QuestionError("In „messages“ steht keine Nachricht mit der Rolle „user“; die letzte davon ist "
                            "die Frage.")
    history = [Turn(m.role, m.text) for m in messages[:last] if m.role in ("user", "assistant") and m.text.strip()]
    check_turns(history, max_turn_chars, "messages")
    return messages[last].text, history


def check_turns(turns, max_chars: int | None, field: str) -> None:
    """Earlier turns of a conversation are capped: one of 0.9 MB is no conversation."""
    if max_chars is None:
        return
    for position, turn in enumerate(turns, start=1):
        if len(turn.content) > max_chars:
            raise _refused(field, f"Ein früherer Beitrag in „{field}“ ist zu lang ({len(turn.content):,} Zeichen; "
                                  f"höchstens {max_chars:,} je Beitrag). Bitte das Gespräch kürzen oder ein neues "
                                  "beginnen.".replace(",", "."))


_TYPES = {
    "string_type": "muss ein Text sein", "list_type": "muss eine Liste sein", "bool_type": "muss true oder false sein",
    "bool_parsing": "muss true oder false sein", "missing": "fehlt", "extra_forbidden": "gibt es nicht",
    "model_type": "muss ein Objekt sein", "model_attributes_type": "muss ein Objekt sein",
    "dict_type": "muss ein Objekt sein", "literal_error": "hat einen ungültigen Wert",
    "int_type": "muss eine ganze Zahl sein", "int_parsing": "muss eine ganze Zahl sein",
    "int_from_float": "muss eine ganze Zahl sein", "greater_than_equal": "muss mindestens 1 sein",
}


def german_validation(errors: list[dict]) -> tuple[str, str | None]:
    """(German message, dotted field name) for the first of pydantic's errors."""
    if not errors:
        return "Die Anfrage ist ungültig.", None
    error = errors[0]
    loc = [str(part) for part in error.get("loc", ()) if part != "body"]
    # a union (str | list) reports one error per member; name the field, not the member
    loc = [part for part in loc if part not in ("str", "list[ContentPart]")]
    if error.get("type") == "json_invalid" or (not loc and error.get("type") in ("model_type", "model_attributes_type",
                                                                                  "dict_type")):
        return "Der Inhalt der Anfrage ist kein gültiges JSON-Objekt.", None
    field = ".".join(loc) or "?"
    text = _TYPES.get(error.get("type", ""), "hat einen ungültigen Wert")
    if error.get("type") == "literal_error" and loc and loc[-1] == "role":
        text = "muss eine dieser Rollen sein: system, user, assistant, tool"
    return f"Das Feld „{field}“ {text}.", field

