"""What every router of the API shares: the error body, the pagination and the base of request bodies."""

from typing import Annotated, Any

from django.conf import settings
from ninja import Schema
from ninja.pagination import LimitOffsetPagination
from ninja.schema import DjangoGetter
from pydantic import Field, model_validator

from dangjian.base.params import MAX_INT

MAX_LIMIT = 500
# Far beyond any list the system holds, and far below what makes SQLite's OFFSET overflow.
MAX_OFFSET = 10**9


class Error(Schema):
    detail: str


class ValidationErrorOut(Schema):
    """A 422: the message and, per field (`__all__` for the whole object), what is wrong with it."""

    detail: str
    errors: dict[str, list[str]] = {}
    code: str | None = None
    findings: list[dict[str, Any]] | None = None


class Pagination(LimitOffsetPagination):
    """limit/offset with bounds: out of range is a 422 with a Chinese message, never a 500."""

    class Input(Schema):
        limit: int = Field(settings.NINJA_PAGINATION_PER_PAGE, ge=1, le=MAX_LIMIT, description="每页条数")
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="跳过的条数")

    def __init__(self, **kwargs):
        super().__init__(max_limit=MAX_LIMIT, **kwargs)


# The id of a row in a request body or query: bounded so it never overflows the database's integer.
Id = Annotated[int, Field(ge=1, le=MAX_INT)]


class BodyIn(Schema):
    """Base of every request body. ninja's Schema reads any object by its attributes, so a body of
    `[null, null]` or `5` would validate as "every field left at its default" (a PATCH that then
    changes nothing and answers 200); a body must be a JSON object."""

    @model_validator(mode="before")
    @classmethod
    def _an_object(cls, data: Any) -> Any:
        # Runs inside ninja's own root validator, which has already wrapped the input.
        raw = data._obj if isinstance(data, DjangoGetter) else data
        if isinstance(raw, dict):
            return data
        raise ValueError("请求体应为 JSON 对象（{…}）。")
