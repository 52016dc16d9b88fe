/*
 * gaitlab_matrix.ino -- reference firmware for a DIY resistive pressure matrix.
 *
 * Scans a velostat / FSR matrix (rows driven one at a time, columns read through
 * 16-channel analogue multiplexers such as the CD74HC4067) and streams every scan
 * to the host in the gaitlab serial protocol, version 1 (docs/protocol.md in the
 * gaitlab repository): FRAME messages at FRAME_RATE_HZ, and an IDENTIFY message
 * at power-up and whenever the host writes "ID?\n".
 *
 * Written for ESP32 boards (12-bit ADC, 64-bit microsecond clock, native USB on
 * the S2/S3); it also builds for AVR and ARM Arduino boards (see README.md for
 * what changes: ADC resolution, RAM, frame rate).
 *
 * The protocol code is in gaitlab_protocol.h, which mirrors the Python reference
 * encoder (gaitlab.drivers.protocols.gaitlab_binary) and is checked against it by
 * gaitlab's test suite. Only this file's configuration block should need editing.
 *
 * Wiring (one mux per 16 columns):
 *
 *   row pin r ──── row electrode r          (driven HIGH while row r is scanned,
 *                                            high-impedance otherwise)
 *   column electrode c ── mux (c / 16) channel (c % 16)
 *   mux SIG ── ADC pin, with a pull-down resistor (1-10 kOhm) to GND
 *   mux S0..S3 ── MUX_SELECT_PINS (shared by every mux), mux EN ── GND
 *
 * A pressed cell lowers the resistance between its row and column, so the
 * reading rises with pressure (0 = unloaded). Calibration to kPa is the host's
 * job (the device profile); the firmware sends raw ADC counts as u16.
 */

#include "gaitlab_protocol.h"

#if defined(ARDUINO_ARCH_ESP32)
#include <esp_timer.h>
#endif

// ---------------------------------------------------------------- configuration

#define ROWS 16                // row electrodes (one GPIO each)
#define COLS 16                // column electrodes (16 per mux)
#define PITCH_MM "10"          // distance between sensor centres, mm (text: sent as is)
#define FRAME_RATE_HZ 100      // frames per second (see README for what a board can do)
#define SETTLE_US 10           // wait after switching a row or a mux channel, us
#define BAUD 921600            // UART boards; native USB ignores it
#define MODEL "gaitlab-diy-matrix"
#define FIRMWARE_VERSION "1.0.0"
#define DEVICE_SERIAL "0001"   // used where the chip has no unique id (see deviceSerial())

// Pins for an ESP32-S3-DevKitC-1 (no strapping pins, no PSRAM pins); change them for your board.
static const uint8_t ROW_PINS[ROWS] = {4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 21};
static const uint8_t MUX_SELECT_PINS[4] = {38, 39, 40, 41};      // S0, S1, S2, S3
static const uint8_t MUX_SIGNAL_PINS[(COLS + 15) / 16] = {1};    // ADC1 pin of each mux

// ---------------------------------------------------------------- state

static uint16_t frame[ROWS * COLS];   // one scan, row-major: frame[r * COLS + c]
static uint32_t seq = 0;              // FRAME counter, wraps at 2^32
static bool identifyRequested = true; // send IDENTIFY before the first frame
static char lineBuffer[16];           // the host's command line being received
static uint8_t lineLength = 0;

// ---------------------------------------------------------------- output

// gaitlab_protocol.h writes through this callback.
static void serialWrite(const uint8_t *data, size_t n, void *ctx) {
  (void)ctx;
  Serial.write(data, n);
}

static gaitlab_writer writer = {serialWrite, nullptr, 0};

// ---------------------------------------------------------------- clock

// Microseconds since power-up as 64 bits, so it never wraps (the protocol's
// time_us is a u64). The ESP32 has a 64-bit timer; elsewhere micros() (32 bits,
// wraps every 71.6 minutes) is extended by counting its wraps. loop() calls this
// at least every few milliseconds, far more often than the 71-minute wrap.
static uint64_t micros64() {
#if defined(ARDUINO_ARCH_ESP32)
  return (uint64_t)esp_timer_get_time();
#else
  static uint32_t last = 0;
  static uint32_t wraps = 0;
  uint32_t now = micros();
  if (now < last) wraps++;
  last = now;
  return ((uint64_t)wraps << 32) | now;
#endif
}

// ---------------------------------------------------------------- identify

static void deviceSerial(char *out, size_t size) {
#if defined(ARDUINO_ARCH_ESP32)
  uint64_t mac = ESP.getEfuseMac();  // unique per chip
  snprintf(out, size, "%04X%08lX", (unsigned)(mac >> 32), (unsigned long)(mac & 0xFFFFFFFFul));
#else
  snprintf(out, size, "%s", DEVICE_SERIAL);
#endif
}

static void sendIdentify() {
  char serial[24];
  char text[256];
  deviceSerial(serial, sizeof serial);
  // key=value lines; docs/protocol.md lists the keys. No floats in printf: AVR lacks %f.
  snprintf(text, sizeof text,
           "model=%s\nserial=%s\nfirmware=%s\nrows=%d\ncols=%d\npitch_mm=%s\nsample=u16\n"
           "rate_hz=%d",
           MODEL, serial, FIRMWARE_VERSION, ROWS, COLS, PITCH_MM, FRAME_RATE_HZ);
  gaitlab_send_identify(&writer, micros64(), text);
}

// Collect the host's command line; "ID?" asks for an IDENTIFY message.
// Unknown lines are ignored (later protocol versions may add commands).
static void readCommands() {
  while (Serial.available() > 0) {
    char ch = (char)Serial.read();
    if (ch == '\n') {
      if (lineLength > 0 && lineBuffer[lineLength - 1] == '\r') lineLength--;
      lineBuffer[lineLength] = '\0';
      if (strcmp(lineBuffer, "ID?") == 0) identifyRequested = true;
      lineLength = 0;
    } else if (lineLength < sizeof lineBuffer - 1) {
      lineBuffer[lineLength++] = ch;
    }
  }
}

// ---------------------------------------------------------------- scan

static void selectMuxChannel(uint8_t channel) {
  for (uint8_t bit = 0; bit < 4; bit++) {
    digitalWrite(MUX_SELECT_PINS[bit], (channel >> bit) & 1 ? HIGH : LOW);
  }
}

// Drive one row HIGH and leave the others high-impedance (INPUT), which keeps
// current from flowing back through unselected rows (less "ghosting").
static void selectRow(int row) {
  for (int r = 0; r < ROWS; r++) {
    if (r != row) pinMode(ROW_PINS[r], INPUT);
  }
  if (row >= 0) {
    pinMode(ROW_PINS[row], OUTPUT);
    digitalWrite(ROW_PINS[row], HIGH);
  }
}

static void scan() {
  for (int r = 0; r < ROWS; r++) {
    selectRow(r);
    for (int c = 0; c < COLS; c++) {
      selectMuxChannel(c % 16);
      delayMicroseconds(SETTLE_US);
      frame[r * COLS + c] = (uint16_t)analogRead(MUX_SIGNAL_PINS[c / 16]);
    }
  }
  selectRow(-1);  // all rows off between scans
}

// ---------------------------------------------------------------- setup / loop

void setup() {
  Serial.begin(BAUD);
#if defined(ARDUINO_ARCH_ESP32)
  analogReadResolution(12);  // 0..4095
#endif
  for (uint8_t bit = 0; bit < 4; bit++) pinMode(MUX_SELECT_PINS[bit], OUTPUT);
  selectRow(-1);
}

void loop() {
  static const uint32_t periodUs = 1000000UL / FRAME_RATE_HZ;
  static uint64_t nextFrameUs = 0;

  readCommands();
  uint64_t now = micros64();
  if (now < nextFrameUs) return;
  // Keep the rate on average; after a stall (e.g. the host stopped reading), start again
  // from now rather than sending a burst of late frames.
  nextFrameUs = (now - nextFrameUs > 10ull * periodUs) ? now + periodUs : nextFrameUs + periodUs;

  if (identifyRequested) {  // between two frames, never inside one
    identifyRequested = false;
    sendIdentify();
  }
  uint64_t scanStartUs = micros64();  // time_us: when the scan started
  scan();
  gaitlab_send_frame_u16(&writer, seq, scanStartUs, ROWS, COLS, frame);
  seq++;  // wraps from 2^32 - 1 to 0, as the protocol says
}
