// Draws the toolbar/notification icon (a handset on a blue disc) as PNGs at
// build time, so no binary assets live in the repository.
import { deflateSync } from 'node:zlib';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** Coverage of the handset shape at (x, y) in unit coordinates (-1..1). */
function inHandset(x, y) {
  // Rotate 45° so the handset lies diagonally, like the usual phone glyph.
  const r = Math.SQRT1_2;
  const u = (x + y) * r;
  const v = (y - x) * r;
  const bar = Math.abs(u) < 0.42 && Math.abs(v + 0.12) < 0.11;
  const ear = Math.hypot(u - 0.42, v + 0.02) < 0.2 && v > -0.25;
  const mouth = Math.hypot(u + 0.42, v + 0.02) < 0.2 && v > -0.25;
  return bar || ear || mouth;
}

export function iconPng(size) {
  const rows = [];
  const samples = 4; // Supersampling for smooth edges.
  for (let py = 0; py < size; py++) {
    const row = Buffer.alloc(1 + size * 4);
    for (let px = 0; px < size; px++) {
      let disc = 0;
      let glyph = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const x = ((px + (sx + 0.5) / samples) / size) * 2 - 1;
          const y = ((py + (sy + 0.5) / samples) / size) * 2 - 1;
          if (Math.hypot(x, y) <= 0.96) {
            disc++;
            if (inHandset(x, y)) glyph++;
          }
        }
      }
      const n = samples * samples;
      const g = glyph / Math.max(disc, 1);
      const o = 1 + px * 4;
      row[o] = Math.round(26 + (255 - 26) * g);
      row[o + 1] = Math.round(115 + (255 - 115) * g);
      row[o + 2] = Math.round(232 + (255 - 232) * g);
      row[o + 3] = Math.round((disc / n) * 255);
    }
    rows.push(row);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
