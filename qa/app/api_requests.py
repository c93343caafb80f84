"""Request bodies of the API and their checks, with German messages naming the field at fault.

`ChatRequest` follows OpenAI's chat completions (unknown fields such as temperature or
max_tokens are accepted and ignored); `AskRequest` is one row of the `qa batch` contract plus
filters and the answerer. `question_and_history` turns OpenAI messages into our question and
history; `german_validation` turns pydantic's errors into one German sentence.

Not handled: images and other non-text content parts (ignored), tool calls, n > 1.
"""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from qa.app.forms import check_date
from qa.errors import QuestionError
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
        start, end = check_date("date_from", self.date_from), check_date("date_to", self.date_to)
        if start and end and start > end:
            raise QuestionError("Der Zeitraum ist leer: date_from liegt nach date_to.")
        filters = Filters(sources=tuple(self.sources or ()), date_from=start, date_to=end,
                          question_time=self.question_time)
        return filters if filters.active or not self.question_time else None


class ChatRequest(FilterFields):
    model_config = ConfigDict(extra="ignore")
    model: str | None = None
    messages: list[Message]
    stream: bool = False


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


def question_and_history(messages: list[Message]) -> tuple[str, list[Turn]]:
    """The last user message is the question; user and assistant messages before it the history."""
    if not messages:
        raise QuestionError("Die Liste „messages“ ist leer. Bitte mindestens eine Nachricht mit der Rolle "
                            "„user“ senden, die die Frage enthält.")
    last = max((i for i, m in enumerate(messages) if m.role == "user"), default=None)
    if last is None:
        raise QuestionError("In „messages“ steht keine Nachricht mit der Rolle „user“; die letzte davon ist "
                            "die Frage.")
    history = [Turn(m.role, m.text) for m in messages[:last] if m.role in ("user", "assistant") and m.text.strip()]
    return messages[last].text, history


_TYPES = {
    "string_type": "muss ein Text sein", "list_type": "muss eine Liste sein", "bool_type": "muss true oder false sein",
    "bool_parsing": "muss true oder false sein", "missing": "fehlt", "extra_forbidden": "gibt es nicht",
    "model_type": "muss ein Objekt sein", "model_attributes_type": "muss ein Objekt sein",
    "dict_type": "muss ein Objekt sein", "literal_error": "hat einen ungültigen Wert",
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

