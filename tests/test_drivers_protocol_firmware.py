"""The firmware's protocol code, compiled on the PC, writes what the Python encoder writes.

firmware/gaitlab_matrix/gaitlab_protocol.h is plain C; a small harness prints the
messages it builds in hex. Skipped when no C compiler is installed.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
from pathlib import Path

import numpy as np
import pytest

from gaitlab.drivers.protocols import gaitlab_binary as gp

ROOT = Path(__file__).resolve().parents[1]
SKETCH = ROOT / "firmware" / "gaitlab_matrix"
CC = shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")
CXX = shutil.which("c++") or shutil.which("g++") or shutil.which("clang++")

# Just enough of the Arduino core for the sketch's non-ESP32 path: Serial.write collects
# the bytes, analogRead returns a fixed pattern, micros() advances 4 ms per call.
ARDUINO_STUB = r"""
#include <stdint.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#define HIGH 1
#define LOW 0
#define INPUT 0
#define OUTPUT 1
static uint8_t sent[1 << 20];
static size_t n_sent = 0;
static int lines_in = 0;
static const char command[] = "ID?\r\n";
struct SerialStub {
  void begin(long) {}
  size_t write(const uint8_t *data, size_t n) {
    if (n_sent + n <= sizeof sent) {
      memcpy(sent + n_sent, data, n);
      n_sent += n;
    }
    return n;
  }
  int polls = 0;  /* the host asks "ID?" after a while */
  int available() { return ++polls > 50 && lines_in < (int)sizeof command - 1 ? 1 : 0; }
  int read() { return command[lines_in++]; }
};
static SerialStub Serial;
static int row_high = -1;
static int channel = 0;
static inline void pinMode(int, int) {}
static inline void digitalWrite(int pin, int level) {
  static const int select[4] = {38, 39, 40, 41};
  for (int b = 0; b < 4; b++)
    if (pin == select[b]) channel = (channel & ~(1 << b)) | (level << b);
  if (level == HIGH && pin < 38) row_high = pin;
}
static inline int analogRead(int) { return row_high * 16 + channel; }
static inline void delayMicroseconds(unsigned) {}
static inline uint32_t micros() {
  static uint32_t t = 4294000000u;  /* wraps during the run */
  t += 4000;
  return t;
}
"""

HARNESS = r"""
#include <stdio.h>
#include <string.h>
#include "gaitlab_protocol.h"

static void hex_out(const uint8_t *data, size_t n, void *ctx) {
  (void)ctx;
  for (size_t i = 0; i < n; i++) printf("%02x", data[i]);
}

int main(void) {
  gaitlab_writer w = {hex_out, NULL, 0};
  printf("%04x\n", gaitlab_crc16(0xFFFF, (const uint8_t *)"123456789", 9));
  const uint16_t example[6] = {0, 1, 2, 256, 513, 1023};
  gaitlab_send_frame_u16(&w, 1, 1000, 2, 3, example);
  printf("\n");
  uint16_t big[16 * 16];
  for (int i = 0; i < 256; i++) big[i] = (uint16_t)(i * 257);
  gaitlab_send_frame_u16(&w, 0xFFFFFFFFu, 0x0123456789ABCDEFull, 16, 16, big);
  printf("\n");
  gaitlab_send_identify(&w, 5000000, "model=gaitlab-diy-matrix\nserial=0001\nrows=16\ncols=16");
  printf("\n");
  char longtext[1100];
  memset(longtext, 'x', sizeof longtext - 1);
  longtext[sizeof longtext - 1] = '\0';
  printf("%d\n", gaitlab_send_identify(&w, 0, longtext));
  return 0;
}
"""


@pytest.fixture(scope="module")
def firmware_output(tmp_path_factory) -> list[str]:
    if CC is None:
        pytest.skip("no C compiler")
    work = tmp_path_factory.mktemp("firmware")
    source = work / "harness.c"
    source.write_text(HARNESS, encoding="utf-8")
    exe = work / "harness"
    subprocess.run(
        [
            CC,
            "-std=c99",
            "-Wall",
            "-Wextra",
            "-Werror",
            "-I",
            str(SKETCH),
            str(source),
            "-o",
            str(exe),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    result = subprocess.run([str(exe)], check=True, capture_output=True, text=True, timeout=30)
    return result.stdout.splitlines()


def test_firmware_crc_matches_the_test_vector(firmware_output):
    assert firmware_output[0] == "29b1"


def test_firmware_frame_matches_the_worked_example(firmware_output):
    expected = gp.encode([[0, 1, 2], [256, 513, 1023]], seq=1, device_time_s=0.001)
    assert firmware_output[1] == expected.hex()


def test_firmware_frame_with_extreme_fields_matches_the_spec(firmware_output):
    wire = bytes.fromhex(firmware_output[2])
    big = (np.arange(256) * 257).reshape(16, 16)
    head = struct.pack("<2sBBIQHHBB", gp.SYNC, 1, 1, 2**32 - 1, 0x0123456789ABCDEF, 16, 16, 2, 0)
    body = head + big.astype("<u2").tobytes()
    assert wire == body + struct.pack("<H", gp.crc16(body))
    assert wire[gp.HEADER_SIZE : -2] == gp.encode(big)[gp.HEADER_SIZE : -2]
    frame = gp.GaitlabFramer(rows=16, cols=16).feed(wire)[0]
    assert frame.values.tolist() == big.ravel().tolist()
    assert frame.seq == 2**32 - 1
    assert frame.device_time_s == pytest.approx(0x0123456789ABCDEF * 1e-6)


def test_firmware_identify_is_read_by_the_framer(firmware_output):
    wire = bytes.fromhex(firmware_output[3])
    expected = gp.encode_identify(
        model="gaitlab-diy-matrix", serial="0001", firmware="x", rows=16, cols=16, device_time_s=5.0
    )
    assert wire[:16] == expected[:16]
    info = gp.GaitlabFramer().feed(wire)[0].extra["identify"]
    assert info == {"model": "gaitlab-diy-matrix", "serial": "0001", "rows": 16, "cols": 16}


def test_firmware_refuses_an_identify_text_beyond_the_bound(firmware_output):
    assert firmware_output[4] == "-1"


def test_sketch_sends_what_the_spec_lists():
    sketch = (SKETCH / "gaitlab_matrix.ino").read_text(encoding="utf-8")
    assert '#include "gaitlab_protocol.h"' in sketch
    assert 'strcmp(lineBuffer, "ID?")' in sketch
    for key in ("model", "serial", "firmware", "rows", "cols", "pitch_mm"):
        assert f"{key}=" in sketch
    assert "gaitlab_send_frame_u16" in sketch and "gaitlab_send_identify" in sketch


def test_sketch_runs_on_a_stub_arduino_core_and_its_output_decodes(tmp_path):
    if CXX is None:
        pytest.skip("no C++ compiler")
    (tmp_path / "Arduino.h").write_text(ARDUINO_STUB, encoding="utf-8")
    sketch = (SKETCH / "gaitlab_matrix.ino").read_text(encoding="utf-8")
    main = """
int main() {
  setup();
  for (int i = 0; i < 200; i++) loop();
  for (size_t i = 0; i < n_sent; i++) printf("%02x", sent[i]);
  return 0;
}
"""
    source = tmp_path / "sketch.cpp"
    source.write_text('#include "Arduino.h"\n' + sketch + main, encoding="utf-8")
    exe = tmp_path / "sketch"
    subprocess.run(
        [
            CXX,
            "-std=c++11",
            "-Wall",
            "-Wextra",
            "-Werror",
            "-I",
            str(tmp_path),
            "-I",
            str(SKETCH),
            str(source),
            "-o",
            str(exe),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    wire = bytes.fromhex(
        subprocess.run([str(exe)], check=True, capture_output=True, text=True, timeout=30).stdout
    )
    framer = gp.GaitlabFramer(rows=16, cols=16, sample_type="u16")
    frames = framer.feed(wire)
    assert framer.stats.bad_frames == 0 and framer.stats.skipped_bytes == 0
    identify = [f for f in frames if "identify" in f.extra]
    data = [f for f in frames if "identify" not in f.extra]
    assert len(identify) == 2  # at power-up, and the answer to "ID?"
    assert identify[0].extra["identify"]["rows"] == 16
    assert identify[0].extra["identify"]["pitch_mm"] == 10.0
    assert len(data) >= 10
    assert [f.seq for f in data] == list(range(len(data)))
    times = np.array([f.device_time_s for f in data])
    assert np.all(np.diff(times) > 0)  # micros() wrapped during the run, time_us did not
    pins = [4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 21]
    expected = (np.array(pins)[:, None] * 16 + np.arange(16)[None, :]).ravel()
    assert data[0].values.tolist() == expected.tolist()
