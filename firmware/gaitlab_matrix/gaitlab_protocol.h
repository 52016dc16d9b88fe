/*
 * gaitlab_protocol.h -- the gaitlab serial protocol, version 1, for microcontrollers.
 *
 * Plain C99 / C++ with no Arduino dependency, so it can be checked on a PC
 * (gaitlab's tests compile it with gcc and compare its bytes with the Python
 * reference encoder, gaitlab.drivers.protocols.gaitlab_binary.encode).
 * The specification is docs/protocol.md in the gaitlab repository; this file
 * follows it field by field:
 *
 *   offset size field
 *   0      2    sync     A5 5A
 *   2      1    version  1
 *   3      1    type     1 = FRAME, 2 = IDENTIFY
 *   4      4    seq      u32, +1 per FRAME, wraps
 *   8      8    time_us  u64, device clock in microseconds
 *   16     2    rows     u16
 *   18     2    cols     u16
 *   20     1    sample   1 = u8, 2 = u16, 3 = f32
 *   21     1    flags    0
 *   22     N    payload  rows * cols samples, row-major
 *   22+N   2    crc      CRC-16/CCITT-FALSE of bytes 0 .. 21+N
 *
 * Every multi-byte field is little-endian. The bytes are written one field
 * at a time through a callback, and the CRC is updated as they go, so a
 * frame never has to sit in memory as bytes: see gaitlab_send_frame_u16().
 *
 * Check your port of the CRC against the test vectors in docs/protocol.md:
 * gaitlab_crc16(0xFFFF, "123456789", 9) == 0x29B1.
 */
#ifndef GAITLAB_PROTOCOL_H
#define GAITLAB_PROTOCOL_H

#include <stddef.h>
#include <stdint.h>

#define GAITLAB_SYNC0 0xA5
#define GAITLAB_SYNC1 0x5A
#define GAITLAB_VERSION 1
#define GAITLAB_MSG_FRAME 0x01
#define GAITLAB_MSG_IDENTIFY 0x02
#define GAITLAB_SAMPLE_U8 1
#define GAITLAB_SAMPLE_U16 2
#define GAITLAB_SAMPLE_F32 3
#define GAITLAB_MAX_IDENTIFY_BYTES 1024

/* Where the bytes go: Serial.write() on a board, a buffer in a test. */
typedef void (*gaitlab_write_fn)(const uint8_t *data, size_t n, void *ctx);

typedef struct {
  gaitlab_write_fn write;
  void *ctx;
  uint16_t crc; /* CRC of the message so far */
} gaitlab_writer;

/* CRC-16/CCITT-FALSE: polynomial 0x1021, no reflection, no final XOR.
 * Start a message with crc = 0xFFFF; pass the result back in to continue. */
static inline uint16_t gaitlab_crc16(uint16_t crc, const uint8_t *data, size_t n) {
  for (size_t i = 0; i < n; i++) {
    crc ^= (uint16_t)((uint16_t)data[i] << 8);
    for (int bit = 0; bit < 8; bit++) {
      crc = (crc & 0x8000u) ? (uint16_t)((crc << 1) ^ 0x1021u) : (uint16_t)(crc << 1);
    }
  }
  return crc;
}

/* Write bytes of the message and add them to its CRC. */
static inline void gaitlab_put(gaitlab_writer *w, const uint8_t *data, size_t n) {
  w->crc = gaitlab_crc16(w->crc, data, n);
  w->write(data, n, w->ctx);
}

static inline void gaitlab_put_u8(gaitlab_writer *w, uint8_t v) { gaitlab_put(w, &v, 1); }

/* Little-endian: least significant byte first, whatever the CPU's own order. */
static inline void gaitlab_put_u16(gaitlab_writer *w, uint16_t v) {
  uint8_t b[2] = {(uint8_t)(v & 0xFF), (uint8_t)(v >> 8)};
  gaitlab_put(w, b, 2);
}

static inline void gaitlab_put_u32(gaitlab_writer *w, uint32_t v) {
  uint8_t b[4];
  for (int i = 0; i < 4; i++) b[i] = (uint8_t)(v >> (8 * i));
  gaitlab_put(w, b, 4);
}

static inline void gaitlab_put_u64(gaitlab_writer *w, uint64_t v) {
  uint8_t b[8];
  for (int i = 0; i < 8; i++) b[i] = (uint8_t)(v >> (8 * i));
  gaitlab_put(w, b, 8);
}

/* Start a message: reset the CRC and write the 22-byte header. */
static inline void gaitlab_begin(gaitlab_writer *w, uint8_t type, uint32_t seq,
                                 uint64_t time_us, uint16_t rows, uint16_t cols,
                                 uint8_t sample) {
  static const uint8_t sync[2] = {GAITLAB_SYNC0, GAITLAB_SYNC1};
  w->crc = 0xFFFF;
  gaitlab_put(w, sync, 2);
  gaitlab_put_u8(w, GAITLAB_VERSION);
  gaitlab_put_u8(w, type);
  gaitlab_put_u32(w, seq);
  gaitlab_put_u64(w, time_us);
  gaitlab_put_u16(w, rows);
  gaitlab_put_u16(w, cols);
  gaitlab_put_u8(w, sample);
  gaitlab_put_u8(w, 0); /* flags: reserved */
}

/* End a message: write its CRC (not itself part of the CRC), little-endian. */
static inline void gaitlab_end(gaitlab_writer *w) {
  uint8_t b[2] = {(uint8_t)(w->crc & 0xFF), (uint8_t)(w->crc >> 8)};
  w->write(b, 2, w->ctx);
}

/* One FRAME of u16 samples, values[r * cols + c] (row-major). */
static inline void gaitlab_send_frame_u16(gaitlab_writer *w, uint32_t seq, uint64_t time_us,
                                          uint16_t rows, uint16_t cols,
                                          const uint16_t *values) {
  gaitlab_begin(w, GAITLAB_MSG_FRAME, seq, time_us, rows, cols, GAITLAB_SAMPLE_U16);
  for (uint32_t i = 0; i < (uint32_t)rows * cols; i++) gaitlab_put_u16(w, values[i]);
  gaitlab_end(w);
}

/* One IDENTIFY message: text is "key=value" lines separated by '\n' (at most
 * 1024 bytes), sent as a 1 x n matrix of u8. Returns 0, or -1 if too long. */
static inline int gaitlab_send_identify(gaitlab_writer *w, uint64_t time_us, const char *text) {
  size_t n = 0;
  while (text[n] != '\0') n++;
  if (n > GAITLAB_MAX_IDENTIFY_BYTES) return -1;
  gaitlab_begin(w, GAITLAB_MSG_IDENTIFY, 0, time_us, 1, (uint16_t)n, GAITLAB_SAMPLE_U8);
  gaitlab_put(w, (const uint8_t *)text, n);
  gaitlab_end(w);
  return 0;
}

#endif /* GAITLAB_PROTOCOL_H */
