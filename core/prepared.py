"""Queries built and compiled by the ORM once per database, then run with fresh values.

For the article page's query (a dozen annotations: tags, corrections, the glossary version,
the reader's visit, follows, sanction and pending comments) building and compiling the
queryset cost more than running it — about 30 ms of a signed-in page, measured — on every
request. A PreparedQuery builds it once with stand-in values, finds where each stand-in
went among the SQL's parameters, and on each run puts the real values in their places, runs
the same SQL on the connection the router picks, and returns the plain rows; a
PreparedModelQuery turns each row into a model instance the way the ORM's own iterator does
(its select_related objects and annotations included). The discussion's hot reads
(discussions.selectors) and screening's (discussions.screening) are built the same way.

The clock is a value too: while the queryset is built, django.utils.timezone.now answers a
stand-in moment, so a filter such as "published in the past" or "a sanction still in force"
is compared with the time of each run (or the `now` a run gives), never with the time of
the build; building fails if any moment but the clock's and the stand-ins' ends up among the
parameters.
"""

from datetime import UTC, datetime
from unittest import mock

from django.db import connections, router
from django.db.models.query import get_related_populators
from django.utils import timezone

# The moment the clock answers while a query is built (no real row carries it).
STAND_IN_NOW = datetime(1971, 2, 3, 4, 5, 6, 789_012, tzinfo=UTC)


class _Compiled:
    __slots__ = ("sql", "params", "positions", "model", "init_list", "fields", "populators",
                 "annotations", "converters")  # fmt: skip


class PreparedQuery:
    """`build(**stand_ins)` returns a queryset; `rows(**values)` runs its SQL with those
    values instead (and the clock's now, or a `now` given among the values) and returns the
    plain rows, as a values_list() queryset gives them, on the connection the router picks
    for reading the model."""

    def __init__(self, model, build, **stand_ins):
        self._model = model
        self._build = build
        self._stand_ins = stand_ins
        self._compiled: dict[str, _Compiled] = {}

    def _compile(self, alias: str) -> _Compiled:
        with mock.patch("django.utils.timezone.now", return_value=STAND_IN_NOW):
            queryset = self._build(**self._stand_ins).using(alias)
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        wanted = {**self._stand_ins, "now": STAND_IN_NOW}
        positions = {
            name: [i for i, param in enumerate(params) if _same(param, value)]
            for name, value in wanted.items()
        }
        for name, found in positions.items():
            if not found and name != "now":
                raise ValueError(f"stand-in {name!r} is not among the query's parameters")
        given = {i for found in positions.values() for i in found}
        strays = [p for i, p in enumerate(params) if isinstance(p, datetime)
                  and i not in given]  # fmt: skip
        if strays:
            raise ValueError(f"the query holds moments that no run would update: {strays}")
        compiled = _Compiled()
        compiled.sql, compiled.params, compiled.positions = sql, tuple(params), positions
        self._describe(compiled, compiler, alias)
        return compiled

    def _describe(self, compiled: _Compiled, compiler, alias: str) -> None:
        """Keep what turning a row into a result needs (nothing, for plain rows)."""

    def _execute(self, values: dict, *, many: bool) -> tuple[_Compiled, str, object, list]:
        alias = router.db_for_read(self._model)
        compiled = self._compiled.get(alias)
        if compiled is None:
            compiled = self._compiled[alias] = self._compile(alias)
        params = list(compiled.params)
        for name, value in {"now": timezone.now(), **values}.items():
            for position in compiled.positions[name]:
                params[position] = _as(params[position], value)
        connection = connections[alias]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall() if many else cursor.fetchmany(1)
        return compiled, alias, connection, rows

    def rows(self, **values) -> list[tuple]:
        """Return every row the query gives with these values, as plain tuples."""
        return self._execute(values, many=True)[3]


class PreparedModelQuery(PreparedQuery):
    """A PreparedQuery of model instances: `first(**values)` and `all(**values)` turn each row
    into an instance the way the ORM's own iterator does (its select_related objects and
    annotations included)."""

    def _describe(self, compiled: _Compiled, compiler, alias: str) -> None:
        klass_info, select = compiler.klass_info, compiler.select
        compiled.model = klass_info["model"]
        fields = klass_info["select_fields"]
        compiled.fields = (fields[0], fields[-1] + 1)
        compiled.init_list = [
            column[0].target.attname for column in select[fields[0] : fields[-1] + 1]
        ]
        compiled.populators = get_related_populators(klass_info, select, alias)
        compiled.annotations = dict(compiler.annotation_col_map)
        compiled.converters = compiler.get_converters([column[0] for column in select])

    def first(self, **values):
        """Return the first instance the query gives with these values, or None."""
        found = self._run(values, many=False)
        return found[0] if found else None

    def all(self, **values) -> list:
        """Return every instance the query gives with these values."""
        return self._run(values, many=True)

    def _run(self, values: dict, *, many: bool) -> list:
        compiled, alias, connection, rows = self._execute(values, many=many)
        return [self._instance(compiled, alias, connection, row) for row in rows]

    @staticmethod
    def _instance(compiled: _Compiled, alias: str, connection, row):
        """Make the row a model instance as the ORM's ModelIterable does."""
        row = list(row)
        for position, (functions, expression) in compiled.converters.items():
            for function in functions:
                row[position] = function(row[position], expression, connection)
        start, end = compiled.fields
        instance = compiled.model.from_db(alias, compiled.init_list, row[start:end])
        for populator in compiled.populators:
            populator.populate(row, instance)
        for name, position in compiled.annotations.items():
            setattr(instance, name, row[position])
        return instance


def _same(param, value) -> bool:
    if _is_int(param) and _is_int(value):
        # Server-side binding passes an integer column's values typed (psycopg's Int4).
        return int(param) == value
    if isinstance(param, list) and isinstance(value, list):
        # A lookup may pass a list as its own list type (discussions.lookups.IntArray).
        return list(param) == list(value)
    return type(param) is type(value) and param == value


def _as(param, value):
    """Return the run's value typed as the stand-in's parameter was (an Int4 stays one, a
    list passed as IntArray is passed as one)."""
    if _is_int(param) and _is_int(value) and type(param) is not int:
        return type(param)(value)
    if isinstance(param, list) and isinstance(value, list) and type(param) is not list:
        return type(param)(value)
    return value


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
