"""The protocols gaitlab speaks: one module per framing style, each with a framer and an encoder.

Each module defines ``PROTOCOL``, a :class:`~gaitlab.drivers.base.Protocol`
registered by name in :data:`gaitlab.drivers.base.PROTOCOLS`:

- ``gaitlab`` (:mod:`.gaitlab_binary`): gaitlab's own binary protocol,
  specified in ``docs/protocol.md``;
- ``ascii_matrix`` (:mod:`.ascii_matrix`): numbers as text, a frame per line,
  a row per line, or a fixed count of values;
- ``fixed_sync`` (:mod:`.fixed_sync`): sync bytes and a fixed length, with an
  optional checksum (presets ``m1616`` and ``guantuo18``);
- ``request_response`` (:mod:`.request_response`): a fixed-length reply to
  each request;
- ``zero_rle`` (:mod:`.zero_rle`): zero-run-length frames ended by ``0xFF``;
- ``moticon_udp`` (:mod:`.moticon_udp`): Moticon OpenGo UDP text datagrams.

Framers are pure (bytes in, frames and counters out, no I/O) and never raise
on bad data; encoders turn one frame back into bytes, for the simulator and
the tests.
"""
