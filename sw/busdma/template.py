# SPDX-License-Identifier: Apache-2.0
"""FreeBSD 13's tag templates: bus_dma_template_init/fill/clone/tag and BD_*.

A template holds every argument of bus_dma_tag_create except the filter
(templates have none); ``bus_dma_template_tag`` passes them to
``bus_dma_tag_create``, so a template yields exactly the tag the same
arguments would.
"""

from __future__ import annotations

import errno
from dataclasses import dataclass, fields
from typing import Any

from .constants import (
    BD_PARAM_ALIGNMENT, BD_PARAM_BOUNDARY, BD_PARAM_FLAGS, BD_PARAM_HIGHADDR,
    BD_PARAM_LOCKFUNC, BD_PARAM_LOCKFUNCARG, BD_PARAM_LOWADDR, BD_PARAM_MAXSEGSIZE,
    BD_PARAM_MAXSIZE, BD_PARAM_NSEGMENTS, BD_PARAM_PARENT, BUS_SPACE_MAXADDR,
    BUS_SPACE_MAXSIZE, BUS_SPACE_UNRESTRICTED,
)
from .core import BusDmaError, DmaTag, bus_dma_tag_create


@dataclass
class BusDmaTemplate:
    """``bus_dma_template_t``; the fields are named as in FreeBSD."""
    parent: DmaTag | None = None
    alignment: int = 1
    boundary: int = 0
    lowaddr: int = BUS_SPACE_MAXADDR
    highaddr: int = BUS_SPACE_MAXADDR
    maxsize: int = BUS_SPACE_MAXSIZE
    nsegments: int = BUS_SPACE_UNRESTRICTED
    maxsegsize: int = BUS_SPACE_MAXSIZE
    flags: int = 0
    lockfunc: Any = None
    lockfuncarg: Any = None


@dataclass(frozen=True)
class BusDmaParam:
    """``bus_dma_param_t``: one (id, value) pair for bus_dma_template_fill."""
    id: int
    value: Any


_FIELD_OF = {
    BD_PARAM_PARENT: "parent", BD_PARAM_ALIGNMENT: "alignment",
    BD_PARAM_BOUNDARY: "boundary", BD_PARAM_LOWADDR: "lowaddr",
    BD_PARAM_HIGHADDR: "highaddr", BD_PARAM_MAXSIZE: "maxsize",
    BD_PARAM_NSEGMENTS: "nsegments", BD_PARAM_MAXSEGSIZE: "maxsegsize",
    BD_PARAM_FLAGS: "flags", BD_PARAM_LOCKFUNC: "lockfunc",
    BD_PARAM_LOCKFUNCARG: "lockfuncarg",
}


def BD_PARENT(val: DmaTag) -> BusDmaParam:
    return BusDmaParam(BD_PARAM_PARENT, val)


def BD_ALIGNMENT(val: int) -> BusDmaParam:
    return BusDmaParam(BD_PARAM_ALIGNMENT, val)


def BD_BOUNDARY(val: int) -> BusDmaParam:
    return BusDmaParam(BD_PARAM_BOUNDARY, val)


def BD_LOWADDR(val: int) -> BusDmaParam:
    return BusDmaParam(BD_PARAM_LOWADDR, val)


def BD_HIGHADDR(val: int) -> BusDmaParam:
    return BusDmaParam(BD_PARAM_HIGHADDR, val)


def BD_MAXSIZE(val: int) -> BusDmaParam:
    return BusDmaParam(BD_PARAM_MAXSIZE, val)


def BD_NSEGMENTS(val: int) -> BusDmaParam:
    return BusDmaParam(BD_PARAM_NSEGMENTS, val)


def BD_MAXSEGSIZE(val: int) -> BusDmaParam:
    return BusDmaParam(BD_PARAM_MAXSEGSIZE, val)


def BD_FLAGS(val: int) -> BusDmaParam:
    return BusDmaParam(BD_PARAM_FLAGS, val)


def BD_LOCKFUNC(val: Any) -> BusDmaParam:
    return BusDmaParam(BD_PARAM_LOCKFUNC, val)


def BD_LOCKFUNCARG(val: Any) -> BusDmaParam:
    return BusDmaParam(BD_PARAM_LOCKFUNCARG, val)


def _check_template(t: Any) -> BusDmaTemplate:
    if not isinstance(t, BusDmaTemplate):
        raise BusDmaError(errno.EINVAL, "not a bus_dma template")
    return t


def bus_dma_template_init(t: BusDmaTemplate, parent: DmaTag | None) -> BusDmaTemplate:
    """Reset every field of ``t`` to its default (no constraints) and set its parent.

    Returns ``t`` (so ``t = bus_dma_template_init(BusDmaTemplate(), parent)`` works)."""
    _check_template(t)
    for f in fields(BusDmaTemplate):
        setattr(t, f.name, f.default)
    t.parent = parent
    return t


def bus_dma_template_fill(t: BusDmaTemplate, kv: list[BusDmaParam], count: int) -> None:
    """Set the fields named by the first ``count`` parameters of ``kv``, in order."""
    _check_template(t)
    if not isinstance(count, int) or not 0 <= count <= len(kv):
        raise BusDmaError(errno.EINVAL, f"count {count!r} does not fit {len(kv)} parameters")
    updates = []
    for param in kv[:count]:
        if not isinstance(param, BusDmaParam) or param.id not in _FIELD_OF:
            raise BusDmaError(errno.EINVAL, f"unknown bus_dma template parameter {param!r}")
        updates.append((_FIELD_OF[param.id], param.value))
    for name, value in updates:    # all or nothing
        setattr(t, name, value)


def BUS_DMA_TEMPLATE_FILL(t: BusDmaTemplate, *kv: BusDmaParam) -> None:
    """FreeBSD's macro: ``bus_dma_template_fill`` with the parameters listed."""
    bus_dma_template_fill(t, list(kv), len(kv))


def bus_dma_template_clone(t: BusDmaTemplate, dmat: DmaTag) -> None:
    """Copy an existing tag's parent and effective constraints into ``t``."""
    _check_template(t)
    if not isinstance(dmat, DmaTag) or dmat.destroyed or dmat.is_root:
        raise BusDmaError(errno.EINVAL, "clone needs a live tag made by bus_dma_tag_create")
    t.parent = dmat.parent
    t.alignment = dmat.alignment
    t.boundary = dmat.boundary
    t.lowaddr = dmat.lowaddr
    t.highaddr = dmat.highaddr
    t.maxsize = dmat.maxsize
    t.nsegments = dmat.nsegments
    t.maxsegsize = dmat.maxsegsz
    t.flags = dmat.flags
    t.lockfunc = dmat.lockfunc
    t.lockfuncarg = dmat.lockfuncarg


def bus_dma_template_tag(t: BusDmaTemplate) -> DmaTag:
    """Create the tag: ``bus_dma_tag_create`` with the template's fields and no filter."""
    _check_template(t)
    return bus_dma_tag_create(t.parent, t.alignment, t.boundary, t.lowaddr, t.highaddr,
                              None, None, t.maxsize, t.nsegments, t.maxsegsize, t.flags,
                              t.lockfunc, t.lockfuncarg)
