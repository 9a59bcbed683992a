# SPDX-License-Identifier: Apache-2.0
"""Driver for the openbusdma DMA engine, written only against busdma (bus_dma(9))
and bus_space(9).  See docs/driver.md.

    drv = DmaEngineDriver(platform.bus_get_dma_tag, bst, bsh, lowaddr=BUS_SPACE_MAXADDR_32BIT)
    await drv.attach()
    req = DmaRequest(src=kva_src, dst=kva_dst, channel=1, callback=done)
    await drv.submit(req)
    ...  await drv.intr(ch) on irq[ch]  /  await drv.poll()  ...
    await drv.detach()

Message-signalled interrupts: ``msi=`` names each vector's target (``MsiVector``:
the bus address of an interrupt file's register and the data word, e.g. an IMSIC's
seteipnum_le and an identity); attach maps every target for its device through
busdma (like any DMA target: an IOVA behind an IOMMU) and puts the channels in
message mode; the interrupt controller's handler calls ``await drv.msi_intr(v)``.

Nothing here knows which platform it runs on: the platform hands out the
root tag (one per channel: device id = channel, as an IOMMU needs), busdma
turns buffers into device-visible segments (bounce pages, IOVAs, or plain
physical addresses) and the syncs copy what must be copied.  Every register
access goes through an asynchronous bus_space tag (``busdma.AsyncBusSpace``).

Request status (the callback's ``status``): 0 on success, an engine error code
(``dmaengine.regs.DMA_ERR_*``, 1..13) when the engine reported an error for
the request, or a negative errno for a software failure (``-ENOMEM``,
``-EFBIG`` or ``-EINVAL`` from busdma loads, ``-E2BIG`` for too many descriptors).
"""
from __future__ import annotations

import errno
import logging
import struct
import threading
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable

import busdma
from busdma import (
    BUS_DMA_COHERENT, BUS_DMA_NOWAIT, BUS_DMA_WAITOK, BUS_DMA_ZERO, BUS_DMASYNC_POSTREAD,
    BUS_DMASYNC_POSTWRITE, BUS_DMASYNC_PREREAD, BUS_DMASYNC_PREWRITE, BUS_SPACE_MAXADDR,
    BusDmaError,
)

from . import regs as R
from .descriptor import (
    DESC_ALIGN, DESC_SIZE, NEXT_EOC, OFF_NEXT, OFF_STATUS, STATUS_DONE, STATUS_EOP, STATUS_ERR_MASK, Descriptor,
)

__all__ = ["DmaEngineDriver", "DmaRequest", "DeviceStream", "STREAM", "KIND_M2M", "KIND_M2S",
           "KIND_S2M", "merge_segments", "DriverStats", "EngineCaps", "HaltRecord", "DescState",
           "MsiVector"]

log = logging.getLogger("dmaengine.driver")

KIND_M2M = "mem->mem"
KIND_M2S = "mem->stream"
KIND_S2M = "stream->mem"

# request states
_LOADING, _READY, _ACTIVE, _DONE = "loading", "ready", "active", "done"


class DeviceStream:
    """The engine's device stream as a request end: ``s_axis`` as a source,
    ``m_axis`` as a destination.  Use the ``STREAM`` instance."""

    def __repr__(self) -> str:
        return "STREAM"


STREAM = DeviceStream()


@dataclass(eq=False)
class DmaRequest:
    """One transfer.  ``src``/``dst``: a busdma-loadable buffer (``KvaBuffer``) or
    ``STREAM``.  ``length`` defaults to the memory side's length (for two buffers,
    the shorter).  ``callback(request, status, nbytes)`` runs on completion.
    ``eop`` (memory -> stream): end the packet with this request (TLAST)."""
    src: Any
    dst: Any
    channel: int = 0
    callback: Callable[["DmaRequest", int, int], Any] | None = None
    length: int | None = None
    eop: bool = True
    arg: Any = None
    # filled in by the driver
    status: int | None = None
    nbytes: int = 0
    packet_end: bool = False          # stream -> memory: TLAST arrived within the request
    state: str = ""
    retries: int = 0
    src_map: Any = field(default=None, repr=False)
    dst_map: Any = field(default=None, repr=False)
    src_segs: list = field(default_factory=list, repr=False)
    dst_segs: list = field(default_factory=list, repr=False)
    pieces: list = field(default_factory=list, repr=False)     # (src, dst, len) device addresses
    slots: list = field(default_factory=list, repr=False)      # ring sequence numbers
    submit_cycle: Any = None

    @property
    def kind(self) -> str:
        if isinstance(self.src, DeviceStream):
            return KIND_S2M
        if isinstance(self.dst, DeviceStream):
            return KIND_M2S
        return KIND_M2M

    @property
    def done(self) -> bool:
        return self.state == _DONE


@dataclass
class EngineCaps:
    num_channels: int
    beat_bytes: int
    addr_width: int
    len_width: int
    max_burst_len: int
    cmd_depth: int
    iommu: bool
    version: int
    msi_vectors: int = 0

    @property
    def max_desc_len(self) -> int:
        return (1 << self.len_width) - 1


@dataclass
class MsiVector:
    """Where one MSI vector's message goes: ``addr``, the physical (bus) address of the
    interrupt controller's register (4-byte aligned; for an IMSIC the interrupt file's
    seteipnum_le), and ``data``, the 32-bit word written (the identity). Vector c is
    channel c's; vector NUM_CHANNELS is the error vector (MSI_ERR)."""
    addr: int
    data: int


@dataclass
class DriverStats:
    submitted: int = 0
    completed: int = 0
    failed: int = 0
    bytes: int = 0
    descriptors: int = 0
    interrupts: int = 0
    polls: int = 0
    halts: int = 0
    resubmitted: int = 0
    deferred_loads: int = 0
    msis: int = 0                 # messages handled (msi_intr), the error vector's included
    msi_errors: int = 0           # messages the engine could not deliver (MSI_ERR bits seen)
    errors: dict = field(default_factory=dict)       # status -> count


_WB_ERRORS = (R.DMA_ERR_WB_SLVERR, R.DMA_ERR_WB_DECERR)


@dataclass
class DescState:
    """One descriptor of a halted channel's chain, as the driver found it."""
    addr: int                    # device address of the descriptor
    request: "DmaRequest"
    piece: int                   # index in request.pieces
    status: int                  # STATUS word
    nbytes: int                  # BYTES word
    started: bool                # before CUR_DESC in chain order (docs/descriptors.md)


@dataclass
class HaltRecord:
    """What the driver read and concluded when a channel halted (``drv.halt_log``)."""
    channel: int
    code: int                    # STATUS.ERR_CODE
    err_desc: int                # ERR_DESC: the first descriptor in chain order that failed
    cur_desc: int                # CUR_DESC: the first descriptor not started (| 1: chain end)
    failed: "DmaRequest | None"  # the request owning ERR_DESC
    wb_failed: list = field(default_factory=list)    # descriptors whose write-back failed
    chain: list = field(default_factory=list)        # DescState, in chain order


def merge_segments(src_segs, dst_segs, length: int, max_len: int) -> list[tuple[int, int, int]]:
    """One descriptor per overlapping piece of the source and destination segment
    lists: [(src_addr, dst_addr, len)].  A stream end is ``None`` (address 0 in the
    descriptor).  Pieces are at most ``max_len`` bytes."""
    def walk(segs):
        if segs is None:
            return None
        return deque((s.ds_addr, s.ds_len) for s in segs)

    sq, dq = walk(src_segs), walk(dst_segs)
    pieces = []
    left = length
    while left:
        n = min(left, max_len)
        if sq is not None:
            n = min(n, sq[0][1])
        if dq is not None:
            n = min(n, dq[0][1])
        sa = 0 if sq is None else sq[0][0]
        da = 0 if dq is None else dq[0][0]
        pieces.append((sa, da, n))
        for q in (sq, dq):
            if q is not None:
                a, l = q[0]
                if l == n:
                    q.popleft()
                else:
                    q[0] = (a + n, l - n)
        left -= n
    return pieces


class _Channel:
    def __init__(self, idx: int):
        self.idx = idx
        self.parent = None
        self.desc_tag = None
        self.desc_buf = None
        self.desc_map = None
        self.desc_base = 0
        self.data_tag = None
        self.maps: list = []           # free data maps
        self.all_maps: list = []
        self.head = 0                  # oldest retained ring sequence number
        self.tail = 0                  # next sequence number to hand out
        self.owner: dict[int, DmaRequest] = {}
        self.ready: deque[DmaRequest] = deque()
        self.active: deque[DmaRequest] = deque()
        self.running = False           # RUN set, chain live in hardware
        self.recovering = False
        self.kicking = False
        self.rekick = False


class DmaEngineDriver:
    """The engine's driver.

    Args:
        parent: the platform's root tag, or a callable ``channel -> root tag``
            (e.g. ``platform.bus_get_dma_tag``: device id = channel).
        bst, bsh: bus_space tag (``AsyncBusSpace``) and handle of the register page.
        lowaddr: highest address the engine can reach on this platform (the
            engine's own ADDR_WIDTH limit from CAP0 is applied as well).
        ring_size: descriptors per channel ring.
        maxsize, nsegments: per-buffer limits of the data tags.
        use_irq: True: completions come from ``intr(ch)`` (enable DONE/ERR
            interrupts); False: ``poll()``.
        sleep: optional ``() -> awaitable`` used while waiting (e.g. a few clock
            cycles); without it waits spin on register reads.
        load_flags: BUS_DMA_WAITOK (default: loads may be deferred) or BUS_DMA_NOWAIT.
        msi: message-signalled interrupts: a callable ``vector -> MsiVector`` or a
            sequence of NUM_CHANNELS + 1 of them (None: wire interrupts). Needs
            ``use_irq``. Each target is loaded with ``bus_dmamap_load_phys`` through a
            tag of the vector's device (vector c: channel c; the error vector: 0), so
            the engine gets the address it can reach (an IOVA behind an IOMMU); a
            target busdma cannot hand over as it is makes attach fail with EINVAL.
    """

    def __init__(self, parent, bst, bsh: int = 0, *, lowaddr: int = BUS_SPACE_MAXADDR,
                 ring_size: int = 128, maxsize: int = 256 << 10, nsegments: int = 64,
                 use_irq: bool = True, sleep: Callable[[], Awaitable] | None = None,
                 load_flags: int = BUS_DMA_WAITOK, max_retries: int = 3, msi=None):
        if msi is not None and not use_irq:
            raise ValueError("message-signalled interrupts need use_irq=True")
        self._parent = parent
        self.bst = bst
        self.bsh = bsh
        self.lowaddr = lowaddr
        self.ring_size = ring_size
        self.maxsize = maxsize
        self.nsegments = nsegments
        self.use_irq = use_irq
        self.sleep = sleep
        self.load_flags = load_flags
        self.max_retries = max_retries
        self.caps: EngineCaps | None = None
        self.channels: list[_Channel] = []
        self.stats = DriverStats()
        self.attached = False
        self._lock = threading.RLock()
        self._outstanding: set[int] = set()     # id() of requests not yet completed
        self._requests: dict[int, DmaRequest] = {}
        self._kick_needed: set[int] = set()
        self.platform = None
        self.halt_log: list[HaltRecord] = []     # one record per channel halt
        self.msi = msi
        self.msi_maps: list[tuple[Any, Any, int]] = []   # (tag, map, device address) per vector

    # ------------------------------------------------------------------ registers
    async def _rd(self, off: int) -> int:
        return await self.bst.read_4(self.bsh, off)

    async def _wr(self, off: int, value: int) -> None:
        await self.bst.write_4(self.bsh, off, value)

    async def _crd(self, ch: int, off: int) -> int:
        return await self._rd(R.ch_reg(ch, off))

    async def _crd64(self, ch: int, off_lo: int) -> int:
        lo = await self._crd(ch, off_lo)
        return lo | await self._crd(ch, off_lo + 4) << 32

    async def _cwr(self, ch: int, off: int, value: int) -> None:
        await self._wr(R.ch_reg(ch, off), value)

    async def _wait(self):
        if self.sleep is not None:
            await self.sleep()

    async def channel_state(self, ch: int) -> tuple[int, bool, int]:
        v = await self._crd(ch, R.DMA_CH_STATUS)
        return (R.field_get(v, R.DMA_CH_STATUS_STATE_SHIFT, R.DMA_CH_STATUS_STATE_WIDTH),
                bool(v & R.DMA_CH_STATUS_WAITING_MASK),
                R.field_get(v, R.DMA_CH_STATUS_ERR_CODE_SHIFT, R.DMA_CH_STATUS_ERR_CODE_WIDTH))

    async def _wait_state(self, ch: int, states, limit: int = 100_000) -> tuple[int, bool, int]:
        for _ in range(limit):
            st = await self.channel_state(ch)
            if st[0] in states:
                return st
            await self._wait()
        raise TimeoutError(f"channel {ch}: state {R.STATE_NAMES[st[0]]} never became {states}")

    async def reset_channel(self, ch: int) -> None:
        """CTRL.RESET (RUN cleared), wait for IDLE, clear the interrupt status."""
        await self._cwr(ch, R.DMA_CH_CTRL, R.DMA_CH_CTRL_RESET_MASK)
        await self._wait_state(ch, (R.DMA_STATE_IDLE,))
        await self._cwr(ch, R.DMA_CH_IRQ_STATUS, 0x7)

    def _ctrl_run(self) -> int:
        v = R.DMA_CH_CTRL_RUN_MASK
        if self.use_irq:
            v |= R.DMA_CH_CTRL_IE_DONE_MASK | R.DMA_CH_CTRL_IE_ERR_MASK
        if self.msi is not None:
            v |= R.DMA_CH_CTRL_MSI_MASK
        return v

    # ------------------------------------------------------------------ attach / detach
    def _parent_for(self, ch: int):
        return self._parent(ch) if callable(self._parent) else self._parent

    async def attach(self) -> EngineCaps:
        ident = await self._rd(R.DMA_REG_ID)
        if ident != R.DMA_ID_VALUE:
            raise BusDmaError(errno.ENXIO, f"no DMA engine: ID {ident:#x}")
        version = await self._rd(R.DMA_REG_VERSION)
        if R.field_get(version, R.DMA_VERSION_MAJOR_SHIFT, R.DMA_VERSION_MAJOR_WIDTH) != R.DMA_VERSION_MAJOR:
            raise BusDmaError(errno.ENXIO, f"unsupported register map version {version:#x}")
        cap0 = await self._rd(R.DMA_REG_CAP0)
        cap1 = await self._rd(R.DMA_REG_CAP1)
        caps = EngineCaps(
            num_channels=R.field_get(cap0, R.DMA_CAP0_NUM_CHANNELS_SHIFT, R.DMA_CAP0_NUM_CHANNELS_WIDTH),
            beat_bytes=R.field_get(cap0, R.DMA_CAP0_BEAT_BYTES_SHIFT, R.DMA_CAP0_BEAT_BYTES_WIDTH),
            addr_width=R.field_get(cap0, R.DMA_CAP0_ADDR_WIDTH_SHIFT, R.DMA_CAP0_ADDR_WIDTH_WIDTH),
            len_width=R.field_get(cap0, R.DMA_CAP0_LEN_WIDTH_SHIFT, R.DMA_CAP0_LEN_WIDTH_WIDTH),
            max_burst_len=R.field_get(cap1, R.DMA_CAP1_MAX_BURST_LEN_SHIFT, R.DMA_CAP1_MAX_BURST_LEN_WIDTH),
            cmd_depth=R.field_get(cap1, R.DMA_CAP1_CMD_DEPTH_SHIFT, R.DMA_CAP1_CMD_DEPTH_WIDTH),
            iommu=bool(cap1 & R.DMA_CAP1_IOMMU_MASK),
            version=version,
            msi_vectors=R.field_get(cap1, R.DMA_CAP1_MSI_VECTORS_SHIFT, R.DMA_CAP1_MSI_VECTORS_WIDTH))
        self.caps = caps
        if caps.addr_width < 64:
            self.lowaddr = min(self.lowaddr, (1 << caps.addr_width) - 1)
        maxsegsz = min(self.maxsize, caps.max_desc_len)
        ring_bytes = self.ring_size * DESC_SIZE
        for c in range(caps.num_channels):
            await self.reset_channel(c)
        try:
            for c in range(caps.num_channels):
                ch = _Channel(c)
                self.channels.append(ch)
                ch.parent = self._parent_for(c)
                self.platform = ch.parent.platform
                # descriptor ring: 64-byte aligned, one segment, below the limit
                ch.desc_tag = busdma.bus_dma_tag_create(
                    ch.parent, DESC_ALIGN, 0, self.lowaddr, BUS_SPACE_MAXADDR, None, None,
                    ring_bytes, 1, ring_bytes, 0, busdma.busdma_lock_mutex, self._lock)
                ch.desc_buf, ch.desc_map = busdma.bus_dmamem_alloc(
                    ch.desc_tag, BUS_DMA_WAITOK | BUS_DMA_ZERO | BUS_DMA_COHERENT)
                segs = []

                def ring_loaded(arg, s, nseg, error):
                    if error:
                        raise BusDmaError(error, "cannot load the descriptor ring")
                    arg.extend(s)
                err = busdma.bus_dmamap_load(ch.desc_tag, ch.desc_map, ch.desc_buf, ring_bytes,
                                             ring_loaded, segs, BUS_DMA_NOWAIT)
                if err or len(segs) != 1:
                    raise BusDmaError(err or errno.EFBIG, "descriptor ring load")
                ch.desc_base = segs[0].ds_addr
                assert ch.desc_base % DESC_ALIGN == 0
                # data buffers: any alignment, below the limit
                ch.data_tag = busdma.bus_dma_tag_create(
                    ch.parent, 1, 0, self.lowaddr, BUS_SPACE_MAXADDR, None, None,
                    self.maxsize, self.nsegments, maxsegsz, 0, busdma.busdma_lock_mutex, self._lock)
            if self.msi is not None:
                await self._setup_msi(caps)
        except BaseException:
            self._free_all()
            raise
        # bus mastering on (GCTRL.BME, 0 after reset: the engine issues nothing before this)
        await self._wr(R.DMA_REG_GCTRL, (await self._rd(R.DMA_REG_GCTRL)) | R.DMA_GCTRL_BME_MASK)
        self.attached = True
        log.info("attached: %s, lowaddr %#x", caps, self.lowaddr)
        return caps

    def _msi_target(self, vector: int) -> MsiVector:
        t = self.msi(vector) if callable(self.msi) else self.msi[vector]
        if not isinstance(t, MsiVector):
            raise TypeError(f"MSI vector {vector}: expected an MsiVector, got {t!r}")
        if t.addr % 4 or not 0 <= t.data < 1 << 32:
            raise BusDmaError(errno.EINVAL, f"MSI vector {vector}: address {t.addr:#x} not 4-byte "
                                            f"aligned or data {t.data:#x} not 32 bits")
        return t

    async def _setup_msi(self, caps: EngineCaps) -> None:
        """Map every vector's target for its device and program the vector table."""
        nv = caps.num_channels + 1
        if caps.msi_vectors < nv:
            raise BusDmaError(errno.ENXIO, f"the engine has {caps.msi_vectors} MSI vectors, "
                                           f"not {nv}: no message-signalled interrupts")
        for v in range(nv):
            target = self._msi_target(v)
            parent = self._parent_for(v if v < caps.num_channels else 0)
            tag = busdma.bus_dma_tag_create(parent, 4, 0, self.lowaddr, BUS_SPACE_MAXADDR, None, None,
                                            4, 1, 4, 0, busdma.busdma_lock_mutex, self._lock)
            dmap = busdma.bus_dmamap_create(tag, 0)
            self.msi_maps.append((tag, dmap, 0))
            segs = []

            def loaded(arg, s, nseg, error):
                if not error:
                    arg.extend(s)
            err = busdma.bus_dmamap_load_phys(tag, dmap, target.addr, 4, loaded, segs, BUS_DMA_NOWAIT)
            if err or len(segs) != 1:
                raise BusDmaError(err or errno.EFBIG,
                                  f"MSI vector {v}: cannot map its target {target.addr:#x} for the device")
            addr = segs[0].ds_addr
            self.msi_maps[-1] = (tag, dmap, addr)
            await self._wr(R.vec_reg(v, R.DMA_VEC_ADDR_LO), addr & 0xFFFFFFFF)
            await self._wr(R.vec_reg(v, R.DMA_VEC_ADDR_HI), addr >> 32)
            await self._wr(R.vec_reg(v, R.DMA_VEC_DATA), target.data)
            await self._wr(R.vec_reg(v, R.DMA_VEC_CTRL), 0)          # unmask
        await self._wr(R.DMA_REG_MSI_ERR, (1 << nv) - 1)

    def _free_msi(self) -> None:
        for tag, dmap, _ in self.msi_maps:
            if dmap.loaded:
                busdma.bus_dmamap_unload(tag, dmap)
            busdma.bus_dmamap_destroy(tag, dmap)
            busdma.bus_dma_tag_destroy(tag)
        self.msi_maps = []

    async def msi_intr(self, vector: int) -> None:
        """Handler of MSI vector ``vector`` (what the interrupt controller calls when the
        vector's identity fires). Vector c: channel c's interrupt (as ``intr``). The error
        vector: the engine could not deliver some messages (MSI_ERR); each such channel is
        served as if its message had arrived, so no completion is lost."""
        self.stats.msis += 1
        nch = len(self.channels)
        if vector < nch:
            await self.intr(vector)
            return
        if vector != nch:
            raise ValueError(f"no MSI vector {vector}")
        await self.msi_errors()

    async def msi_errors(self) -> int:
        """Read and clear MSI_ERR; serve every channel whose message was lost. Returns the
        bits seen (also called from ``drain`` while messages are in use)."""
        err = await self._rd(R.DMA_REG_MSI_ERR)
        if err:
            await self._wr(R.DMA_REG_MSI_ERR, err)
            self.stats.msi_errors += bin(err).count("1")
            log.warning("MSI delivery failed for vectors %#x (MSI_ERR)", err)
            for c in range(len(self.channels)):
                if err >> c & 1:
                    await self.intr(c)
        return err

    def busy(self) -> bool:
        return bool(self._outstanding)

    async def detach(self, max_polls: int = 10_000) -> None:
        """Stop the engine and free everything; EBUSY while requests are in flight.
        Bus mastering goes off (GCTRL.BME = 0) and the rings are freed only once the
        engine is quiescent (GSTATUS.QUIESCENT): no AXI transaction of it outstanding."""
        if self._outstanding:
            raise BusDmaError(errno.EBUSY, f"{len(self._outstanding)} requests in flight")
        for ch in self.channels:
            await self.reset_channel(ch.idx)
        await self.bus_master(False)
        for _ in range(max_polls):
            if await self._rd(R.DMA_REG_GSTATUS) & R.DMA_GSTATUS_QUIESCENT_MASK:
                break
            await self._wait()
        else:
            raise BusDmaError(errno.EBUSY, "the engine did not become quiescent (GSTATUS.QUIESCENT)")
        for v in range(len(self.msi_maps)):
            await self._wr(R.vec_reg(v, R.DMA_VEC_CTRL), 1)          # mask again
        self._free_all()
        self.attached = False

    async def bus_master(self, enable: bool) -> None:
        """GCTRL.BME: let the engine issue memory transactions (attach sets it), or stop it
        starting any (transfers already started finish; GSTATUS.QUIESCENT says when)."""
        g = await self._rd(R.DMA_REG_GCTRL)
        g = (g | R.DMA_GCTRL_BME_MASK) if enable else (g & ~R.DMA_GCTRL_BME_MASK)
        await self._wr(R.DMA_REG_GCTRL, g)

    def _free_all(self):
        self._free_msi()
        for ch in self.channels:
            for m in ch.all_maps:
                busdma.bus_dmamap_destroy(ch.data_tag, m)
            ch.all_maps.clear()
            ch.maps.clear()
            if ch.data_tag is not None:
                busdma.bus_dma_tag_destroy(ch.data_tag)
            if ch.desc_map is not None:
                if ch.desc_map.loaded:
                    busdma.bus_dmamap_unload(ch.desc_tag, ch.desc_map)
                busdma.bus_dmamem_free(ch.desc_tag, ch.desc_buf, ch.desc_map)
            if ch.desc_tag is not None:
                busdma.bus_dma_tag_destroy(ch.desc_tag)
        self.channels = []

    # ------------------------------------------------------------------ submit
    def _get_map(self, ch: _Channel):
        if ch.maps:
            return ch.maps.pop()
        m = busdma.bus_dmamap_create(ch.data_tag, 0)
        ch.all_maps.append(m)
        return m

    async def submit(self, req: DmaRequest) -> None:
        """Load the request's buffers and hand it to the engine (or queue it while
        its loads are deferred or its channel's ring is full)."""
        if not self.attached:
            raise BusDmaError(errno.ENXIO, "not attached")
        if not 0 <= req.channel < len(self.channels):
            raise BusDmaError(errno.EINVAL, f"no channel {req.channel}")
        if isinstance(req.src, DeviceStream) and isinstance(req.dst, DeviceStream):
            raise BusDmaError(errno.EINVAL, "stream to stream is not supported")
        mem_lens = [len(b) for b in (req.src, req.dst) if not isinstance(b, DeviceStream)]
        if req.length is None:
            req.length = min(mem_lens)
        if req.length <= 0 or any(req.length > n for n in mem_lens):
            raise BusDmaError(errno.EINVAL, "bad request length")
        if req.length > self.maxsize:
            raise BusDmaError(errno.EINVAL, f"request longer than maxsize {self.maxsize:#x}")
        ch = self.channels[req.channel]
        req.state = _LOADING
        req.status = None
        req.nbytes = 0
        self._outstanding.add(id(req))
        self._requests[id(req)] = req
        self.stats.submitted += 1
        ch.ready.append(req)          # requests of a channel run in submission order
        self._load_next(req)
        await self._kick(ch)

    def _load_next(self, req: DmaRequest) -> None:
        """Load src, then dst (C-style callback protocol; a load may be deferred)."""
        ch = self.channels[req.channel]
        for which, buf in (("src", req.src), ("dst", req.dst)):
            if getattr(req, f"{which}_map") is not None or isinstance(buf, DeviceStream):
                continue
            setattr(req, f"{which}_map", self._get_map(ch))
            try:
                rc = busdma.bus_dmamap_load(ch.data_tag, getattr(req, f"{which}_map"), buf, req.length,
                                            self._loaded_cb, (req, which), self.load_flags)
            except BusDmaError as e:
                # a load busdma refuses outright (EINVAL: e.g. a peer window the tag cannot
                # reach) ends the request like a failed callback: -errno, nothing held
                log.warning("channel %d: %s buffer load refused: %s", req.channel, which, e)
                self._loaded_cb((req, which), None, 0, e.errno or errno.EINVAL)
                return
            if rc == errno.EINPROGRESS:
                self.stats.deferred_loads += 1
            return
        self._prepare(req)

    def _loaded_cb(self, arg, segs, nseg, error):
        req, which = arg
        ch = self.channels[req.channel]
        if error:
            # the failed map holds nothing; give it back, release the other side
            m = req.src_map if which == "src" else req.dst_map
            ch.maps.append(m)
            if which == "src":
                req.src_map = None
            else:
                req.dst_map = None
            self._release_maps(req, sync=False)
            self._finish(req, -error, 0)
            return
        if which == "src":
            req.src_segs = list(segs)
        else:
            req.dst_segs = list(segs)
        self._load_next(req)

    def _prepare(self, req: DmaRequest) -> None:
        ch = self.channels[req.channel]
        req.pieces = merge_segments(None if isinstance(req.src, DeviceStream) else req.src_segs,
                                    None if isinstance(req.dst, DeviceStream) else req.dst_segs,
                                    req.length, self.caps.max_desc_len)
        if len(req.pieces) > self.ring_size - 1:
            self._release_maps(req, sync=False)
            self._finish(req, -errno.E2BIG, 0)
            return
        if req.src_map is not None:
            busdma.bus_dmamap_sync(ch.data_tag, req.src_map, BUS_DMASYNC_PREWRITE)
        if req.dst_map is not None:
            busdma.bus_dmamap_sync(ch.data_tag, req.dst_map, BUS_DMASYNC_PREREAD)
        req.state = _READY
        self._kick_needed.add(ch.idx)

    # ------------------------------------------------------------------ descriptor ring
    def _slot_addr(self, ch: _Channel, seq: int) -> int:
        return ch.desc_base + (seq % self.ring_size) * DESC_SIZE

    def _slot_off(self, seq: int) -> int:
        return (seq % self.ring_size) * DESC_SIZE

    def _desc_image(self, req: DmaRequest, i: int, next_addr: int) -> bytes:
        sa, da, n = req.pieces[i]
        last = i == len(req.pieces) - 1
        # the one descriptor codec (sw/dmaengine/descriptor.py)
        return Descriptor(src=sa, dst=da, length=n, next=next_addr, user=id(req) & (2**64 - 1),
                          src_stream=req.kind == KIND_S2M, dst_stream=req.kind == KIND_M2S,
                          eop=req.kind == KIND_M2S and last and req.eop,
                          irq=last and self.use_irq).pack()

    async def _kick(self, ch: _Channel) -> None:
        """Put ready requests on the channel's chain; doorbell or start.  Only one
        kick per channel runs at a time; a kick asked for meanwhile is repeated."""
        self._kick_needed.discard(ch.idx)
        if ch.recovering or ch.kicking:
            ch.rekick = True
            return
        ch.kicking = True
        try:
            while True:
                ch.rekick = False
                writes = self._link_ready(ch)
                for off, value in writes:
                    if off == R.DMA_CH_DOORBELL:
                        await self.bst.barrier(self.bsh, 0, R.DMA_PAGE_SIZE, busdma.BUS_SPACE_BARRIER_WRITE)
                    await self._cwr(ch.idx, off, value)
                if not ch.rekick or ch.recovering:
                    break
        finally:
            ch.kicking = False

    def _link_ready(self, ch: _Channel) -> list[tuple[int, int]]:
        """Write the descriptors of ready requests that fit in the ring and link
        them (docs/descriptors.md append protocol); returns the register writes
        that hand them to the engine."""
        first_new = None
        prev_tail = ch.tail - 1 if ch.running else None
        while ch.ready and ch.ready[0].state == _READY:
            req = ch.ready[0]
            need = len(req.pieces)
            if (ch.tail - ch.head) + need > self.ring_size:
                break
            ch.ready.popleft()
            seqs = list(range(ch.tail, ch.tail + need))
            ch.tail += need
            for i, seq in enumerate(seqs):
                nxt = self._slot_addr(ch, seq + 1) if i + 1 < need else NEXT_EOC
                ch.desc_buf.write(self._slot_off(seq), self._desc_image(req, i, nxt))
                ch.owner[seq % self.ring_size] = req
            if first_new is None:
                first_new = seqs[0]
            else:   # link the previous request of this batch to this one
                ch.desc_buf.write(self._slot_off(seqs[0] - 1) + OFF_NEXT,
                                  struct.pack("<Q", self._slot_addr(ch, seqs[0])))
            req.slots = seqs
            req.state = _ACTIVE
            ch.active.append(req)
            self.stats.descriptors += need
        if first_new is None:
            return []
        if prev_tail is not None:
            # the new descriptors are in memory; now clear EOC of the old tail, then ring
            ch.desc_buf.write(self._slot_off(prev_tail) + OFF_NEXT,
                              struct.pack("<Q", self._slot_addr(ch, first_new)))
            busdma.bus_dmamap_sync(ch.desc_tag, ch.desc_map, BUS_DMASYNC_PREWRITE | BUS_DMASYNC_PREREAD)
            return [(R.DMA_CH_DOORBELL, 1)]
        busdma.bus_dmamap_sync(ch.desc_tag, ch.desc_map, BUS_DMASYNC_PREWRITE | BUS_DMASYNC_PREREAD)
        ch.running = True
        addr = self._slot_addr(ch, first_new)
        return [(R.DMA_CH_CUR_DESC_LO, addr & 0xFFFFFFFF), (R.DMA_CH_CUR_DESC_HI, addr >> 32),
                (R.DMA_CH_CTRL, self._ctrl_run())]

    async def _kick_all(self) -> None:
        for c in self.channels:
            if c.ready or c.idx in self._kick_needed:
                await self._kick(c)

    # ------------------------------------------------------------------ completion
    def _desc_status(self, ch: _Channel, seq: int) -> tuple[int, int]:
        return struct.unpack("<II", ch.desc_buf.read(self._slot_off(seq) + OFF_STATUS, 8))

    def _collect(self, ch: _Channel) -> int:
        """Finish the requests whose descriptors are all DONE without error (in chain
        order). A descriptor with an error in its STATUS halts the channel: it and what
        follows are left to the error recovery, which sees the whole chain from there."""
        if ch.recovering:
            return 0
        busdma.bus_dmamap_sync(ch.desc_tag, ch.desc_map, BUS_DMASYNC_POSTREAD | BUS_DMASYNC_POSTWRITE)
        finished = 0
        while ch.active:
            req = ch.active[0]
            sts = [self._desc_status(ch, s) for s in req.slots]
            if not all(st & STATUS_DONE and not st & STATUS_ERR_MASK for st, _ in sts):
                break
            ch.active.popleft()
            self._retire(ch, req, sts)
            finished += 1
        return finished

    def _retire(self, ch: _Channel, req: DmaRequest, sts, status: int | None = None) -> None:
        err = next((st & STATUS_ERR_MASK for st, _ in sts if st & STATUS_ERR_MASK), 0)
        nbytes = sum(n for st, n in sts if st & STATUS_DONE)
        req.packet_end = any(st & STATUS_EOP for st, _ in sts)
        # keep the last descriptor of the chain retained: the engine may re-read its NEXT
        if req.slots:
            ch.head = max(ch.head, req.slots[-1])
            for s in req.slots[:-1]:
                ch.owner.pop(s % self.ring_size, None)
        self._release_maps(req, sync=True)
        self._finish(req, status if status is not None else err, nbytes)

    def _release_maps(self, req: DmaRequest, sync: bool) -> None:
        ch = self.channels[req.channel]
        for attr, op in (("src_map", BUS_DMASYNC_POSTWRITE), ("dst_map", BUS_DMASYNC_POSTREAD)):
            m = getattr(req, attr)
            if m is None:
                continue
            if m.loaded:
                if sync:
                    busdma.bus_dmamap_sync(ch.data_tag, m, op)
                busdma.bus_dmamap_unload(ch.data_tag, m)   # may run deferred loads
            setattr(req, attr, None)
            ch.maps.append(m)
        req.src_segs, req.dst_segs = [], []

    def _finish(self, req: DmaRequest, status: int, nbytes: int) -> None:
        ch = self.channels[req.channel]
        if req.state in (_LOADING, _READY) and req in ch.ready:
            ch.ready.remove(req)
        req.state = _DONE
        req.status = status
        req.nbytes = nbytes
        self._outstanding.discard(id(req))
        self._requests.pop(id(req), None)
        if status == 0:
            self.stats.completed += 1
            self.stats.bytes += nbytes
        else:
            self.stats.failed += 1
            self.stats.errors[status] = self.stats.errors.get(status, 0) + 1
        if req.callback is not None:
            req.callback(req, status, nbytes)

    def _platform_poll(self) -> None:
        # platforms with asynchronous hardware work (IOMMU invalidations) expose poll()
        poll = getattr(self.platform, "poll", None)
        if poll is not None:
            poll()

    async def intr(self, channel: int) -> None:
        """Interrupt handler of irq[channel]."""
        self.stats.interrupts += 1
        ch = self.channels[channel]
        st = await self._crd(channel, R.DMA_CH_IRQ_STATUS)
        if st:
            await self._cwr(channel, R.DMA_CH_IRQ_STATUS, st)   # W1C before looking at memory
        if st & R.DMA_CH_IRQ_STATUS_ERR_MASK and not ch.recovering:
            await self._recover(ch)
        else:
            self._collect(ch)
        self._platform_poll()
        await self._kick_all()

    async def interrupt_loop(self, wait_irq: Callable[[], Awaitable[int]]) -> None:
        """Serve interrupts forever: ``await wait_irq()`` returns the mask of
        pending irq lines (e.g. waits for the engine's irq vector to be non-zero)."""
        while True:
            pending = await wait_irq()
            for c in range(len(self.channels)):
                if pending >> c & 1:
                    await self.intr(c)

    async def poll(self) -> int:
        """Polling mode: find completions (descriptor DONE bits) and halted channels.
        Returns the number of requests finished."""
        self.stats.polls += 1
        finished = 0
        for ch in self.channels:
            if not ch.active:
                continue
            state, _, _ = await self.channel_state(ch.idx)
            if state == R.DMA_STATE_HALTED and not ch.recovering:
                before = self.stats.completed + self.stats.failed
                await self._recover(ch)
                finished += self.stats.completed + self.stats.failed - before
            else:
                finished += self._collect(ch)
        self._platform_poll()
        await self._kick_all()
        return finished

    async def drain(self, max_waits: int = 1_000_000) -> None:
        """Wait until no request is outstanding (polls in polling mode; in interrupt
        mode the interrupt loop must be running)."""
        for _ in range(max_waits):
            if not self._outstanding:
                return
            if not self.use_irq:
                await self.poll()
            await self._wait()
            if self.use_irq and self.sleep is None:
                # nothing else makes time pass: look at a register
                await self._rd(R.DMA_REG_GSTATUS)
            if self.msi is not None and self._outstanding:
                # a message the engine could not deliver, and whose error message was
                # lost as well, must not leave requests waiting for ever
                await self.msi_errors()
        raise TimeoutError(f"{len(self._outstanding)} requests still outstanding")

    # ------------------------------------------------------------------ error recovery
    def _halted_chain(self, ch: _Channel, cur_desc: int) -> list[DescState]:
        """The channel's chain (its active requests' descriptors, in chain order) with
        each descriptor's STATUS/BYTES and whether it was started: the descriptors
        before CUR_DESC, or up to and including CUR_DESC & ~1 when bit 0 (EOC) is set."""
        chain = [DescState(self._slot_addr(ch, seq), req, i, *self._desc_status(ch, seq), started=True)
                 for req in ch.active for i, seq in enumerate(req.slots)]
        addrs = [d.addr for d in chain]
        end = cur_desc & ~NEXT_EOC
        if end in addrs:
            n = addrs.index(end) + (1 if cur_desc & NEXT_EOC else 0)
        else:     # not ours (cannot happen with the driver's own chains): trust DONE
            n = max((i + 1 for i, d in enumerate(chain) if d.status & STATUS_DONE), default=0)
        for d in chain[n:]:
            d.started = False
        return chain

    async def _recover(self, ch: _Channel) -> None:
        """The channel halted: report the failed request, reset the channel,
        resubmit the requests that had not completed.

        docs/descriptors.md: ERR_DESC is the first descriptor in chain order that
        failed (everything before it completed without error); the descriptors after
        it that were started (before CUR_DESC) completed, each with its own STATUS,
        except those whose write-back failed: their STATUS still reads 0 (DONE = 0).
        ERR_DESC's write-back failed too when ERR_CODE is WB_SLVERR/WB_DECERR."""
        ch.recovering = True
        self.stats.halts += 1
        state, _, code = await self._wait_state(ch.idx, (R.DMA_STATE_HALTED,))
        err_desc = await self._crd64(ch.idx, R.DMA_CH_ERR_DESC_LO)
        cur_desc = await self._crd64(ch.idx, R.DMA_CH_CUR_DESC_LO)
        busdma.bus_dmamap_sync(ch.desc_tag, ch.desc_map, BUS_DMASYNC_POSTREAD | BUS_DMASYNC_POSTWRITE)
        chain = self._halted_chain(ch, cur_desc)
        addrs = [d.addr for d in chain]
        k = addrs.index(err_desc) if err_desc in addrs else -1
        failed_req = chain[k].request if k >= 0 else None
        wb_failed = ([err_desc] if code in _WB_ERRORS and k >= 0 else []) + \
            [d.addr for d in chain[k + 1:] if d.started and not d.status & STATUS_DONE]
        rec = HaltRecord(ch.idx, code, err_desc, cur_desc, failed_req, wb_failed, chain)
        self.halt_log.append(rec)
        log.info("channel %d halted: %s at %#x (request %s), CUR_DESC %#x, write-backs failed: %s",
                 ch.idx, R.ERROR_NAMES.get(code, code), err_desc, failed_req and failed_req.kind,
                 cur_desc, [hex(a) for a in wb_failed])
        redo = []
        for req in list(ch.active):
            sts = [self._desc_status(ch, s) for s in req.slots]
            own = next((st & STATUS_ERR_MASK for st, _ in sts
                        if st & STATUS_DONE and st & STATUS_ERR_MASK), 0)
            if req is failed_req:
                # the channel's error; a write-back or fetch error is only in ERR_CODE
                self._retire(ch, req, sts, status=code or R.DMA_ERR_BAD_CMD)
            elif own:
                # started after the failing descriptor: its own data error is in its STATUS
                self._retire(ch, req, sts, status=own)
            elif all(st & STATUS_DONE for st, _ in sts):
                self._retire(ch, req, sts)
            else:
                # not (completely) started, or a write-back failed: the outcome of those
                # descriptors is unknown; run the whole request again. Only a request that
                # had run (partly) counts a retry: one that had not been started was not
                # tried (and every halt retires the failing request, so this ends)
                if failed_req is None or any(d.started for d in chain if d.request is req):
                    req.retries += 1
                if req.retries > self.max_retries:
                    self._retire(ch, req, sts, status=code or R.DMA_ERR_BAD_CMD)
                else:
                    redo.append(req)
        ch.active.clear()
        await self.reset_channel(ch.idx)
        # the ring is empty for the hardware now: start again from scratch
        ch.owner.clear()
        ch.head = ch.tail
        ch.running = False
        for req in reversed(redo):
            req.state = _READY
            req.slots = []
            ch.ready.appendleft(req)
            self.stats.resubmitted += 1
        ch.recovering = False
        self._kick_needed.add(ch.idx)
