"""The verify stage: add ``verified`` and ``verdict`` to each answered record."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from dataclasses import field
from typing import Any

from vstar_cli.io import ErrorRecord, Record
from vstar_cli.verify import registry as kinds
from vstar_cli.verify.judge import (
    Context,
    JudgeSettings,
    check_settings,
    finish,
    judge_batch,
    needs_embedder,
    parse_kind_params,
    prepare,
    resolve_params,
    setup,
)

__all__ = ["Context", "VerifyConfig", "parse_kind_params", "resolve_params", "run", "setup"]


def _fields() -> list[tuple[str, Any, Any]]:
    # One field per parameter the official kinds declare (the declaration is the only place a
    # tolerance's name, default and help are written), then the models and plugins of a run.
    params = [
        (p.name, p.type, field(default=p.default, metadata={"help": p.help, "flag": p.option}))
        for p in kinds.builtin().params().values()
    ]
    settings = [
        (
            f.name,
            f.type,
            field(default=f.default, metadata=f.metadata)
            if f.default_factory is dataclasses.MISSING
            else field(default_factory=f.default_factory, metadata=f.metadata),
        )
        for f in dataclasses.fields(JudgeSettings)
    ]
    return params + settings


def _post_init(self) -> None:
    for p in kinds.builtin().params().values():
        setattr(self, p.name, p.coerce(getattr(self, p.name)))
    check_settings(self)


VerifyConfig = dataclasses.make_dataclass(
    "VerifyConfig", _fields(), namespace={"__post_init__": _post_init, "__module__": __name__}
)
VerifyConfig.__doc__ = """Options of ``vstar verify``: each verifier kind's declared parameters, then the models.

Defaults follow the paper's code where it sets them. The tolerance fields are made from the
official kinds' :class:`~vstar_cli.verify.param.Param` declarations (``vstar_cli/verify/kinds/``);
the models and plugins from :class:`~vstar_cli.verify.judge.JudgeSettings`; plugin kinds'
parameters go in ``kind_params``.
"""


def run(records: Iterable[Record | ErrorRecord], cfg: Any) -> Iterator[Record | ErrorRecord]:
    """Verify each record's ``output`` against its labels, yielding records in input order.

    Rule-based records stream through one by one; records with semantic labels are
    gathered ``cfg.batch_size`` at a time so their texts are embedded in one batch.
    Records that cannot be checked (including a gold label its kind cannot read) come
    out as :class:`ErrorRecord`. ``cfg.kind_plugins`` are loaded first (``ValueError``
    if one cannot be).
    """
    ctx = setup(cfg)
    return _run(records, cfg, ctx)


def _run(records: Iterable[Record | ErrorRecord], cfg: Any, ctx: Context) -> Iterator[Record | ErrorRecord]:
    reg = ctx.kinds
    buf: list = []
    for rec in records:
        item = rec if isinstance(rec, ErrorRecord) else prepare(rec, reg)
        if not buf and not needs_embedder(item):
            yield finish(item, ctx)
            continue
        buf.append(item)
        if len(buf) >= cfg.batch_size:
            yield from judge_batch(buf, ctx)
            buf = []
    if buf:
        yield from judge_batch(buf, ctx)
