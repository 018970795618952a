import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { ICON_SIZES, UNIFIED_ICONS, drawIcon, encodePng, writeIcons } from '../../scripts/make-icons';
import { readPngSize } from '../../scripts/validate-manifest';

const ASSETS = join(__dirname, '..', '..', 'assets');

// An independent CRC-32 (ISO-HDLC, as PNG uses), so the check does not trust the encoder's zlib.crc32 call.
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = (CRC_TABLE[(c ^ byte) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

interface Png {
  width: number;
  height: number;
  bitDepth: number;
  colourType: number;
  pixels: Buffer;
  chunks: string[];
}

/** Parses a non-interlaced 8-bit RGBA PNG, verifying the signature, every CRC and the scanline layout. */
function parsePng(png: Buffer): Png {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  const chunks: string[] = [];
  const idat: Buffer[] = [];
  let ihdr: Buffer | undefined;
  let offset = 8;
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    if (crc(png.subarray(offset + 4, offset + 8 + length)) !== png.readUInt32BE(offset + 8 + length)) {
      throw new Error(`bad CRC in ${type}`);
    }
    chunks.push(type);
    if (type === 'IHDR') ihdr = data;
    if (type === 'IDAT') idat.push(data);
    offset += 12 + length;
  }
  if (!ihdr) throw new Error('no IHDR');
  const width = ihdr.readUInt32BE(0);
  const height = ihdr.readUInt32BE(4);
  const raw = inflateSync(Buffer.concat(idat));
  expect(raw.length).toBe(height * (1 + width * 4));
  const pixels = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    expect(raw[y * (1 + width * 4)]).toBe(0); // filter None, as the encoder writes
    raw.copy(pixels, y * width * 4, y * (1 + width * 4) + 1, (y + 1) * (1 + width * 4));
  }
  return { width, height, bitDepth: ihdr[8] ?? -1, colourType: ihdr[9] ?? -1, pixels, chunks };
}

function pixel(png: Png, x: number, y: number): number[] {
  const at = (y * png.width + x) * 4;
  return [...png.pixels.subarray(at, at + 4)];
}

describe('assets/ icons', () => {
  it.each(ICON_SIZES)('icon-%i.png is a valid %i px RGBA PNG', (size) => {
    const png = parsePng(readFileSync(join(ASSETS, `icon-${size}.png`)));
    expect([png.width, png.height, png.bitDepth, png.colourType]).toEqual([size, size, 8, 6]);
    expect(png.chunks[0]).toBe('IHDR');
    expect(png.chunks.at(-1)).toBe('IEND');
    // A blue padlock on a transparent background with a white keyhole.
    expect(pixel(png, 0, 0)[3]).toBe(0);
    const body = pixel(png, Math.floor(size * 0.25), Math.floor(size * 0.75));
    expect(body).toEqual([0x2b, 0x6c, 0xb0, 255]);
    const keyhole = pixel(png, Math.floor(size * 0.5), Math.floor(size * 0.66));
    expect(keyhole[0]).toBeGreaterThan(200);
    expect(keyhole[3]).toBe(255);
  });

  it.each(UNIFIED_ICONS.map((icon) => [icon.file, icon.size, icon.style] as const))(
    '%s is a valid %i px PNG (%s)',
    (file, size, style) => {
      const png = parsePng(readFileSync(join(ASSETS, file)));
      expect([png.width, png.height, png.colourType]).toEqual([size, size, 6]);
      const body = pixel(png, Math.floor(size * 0.25), Math.floor(size * 0.75));
      expect(body).toEqual(style === 'outline' ? [255, 255, 255, 255] : [0x2b, 0x6c, 0xb0, 255]);
      if (style === 'outline') {
        // The keyhole is cut out of the white outline icon.
        expect(pixel(png, Math.floor(size * 0.5), Math.floor(size * 0.66))[3]).toBe(0);
      }
    },
  );

  it('are exactly what scripts/make-icons.ts draws', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tlsgate-icons-'));
    try {
      const written = await writeIcons(dir);
      expect(written).toHaveLength(ICON_SIZES.length + UNIFIED_ICONS.length);
      for (const path of written) {
        const name = path.slice(dir.length + 1);
        expect(readFileSync(path).equals(readFileSync(join(ASSETS, name)))).toBe(true);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('PNG checks', () => {
  const good = encodePng(16, 16, drawIcon(16));

  it('accept a well-formed PNG', () => {
    expect(parsePng(good).width).toBe(16);
    expect(readPngSize(good)).toEqual({ width: 16, height: 16 });
  });

  it('reject a corrupted chunk by its CRC', () => {
    const bad = Buffer.from(good);
    bad[45] = (bad[45] ?? 0) ^ 0xff; // in the IDAT data (IHDR ends at 33, IDAT data starts at 41)
    expect(() => parsePng(bad)).toThrow(/bad CRC in IDAT/);
    expect(() => readPngSize(bad)).toThrow(/bad CRC in IDAT/);
  });

  it('reject a PNG whose IHDR size was edited without fixing the CRC', () => {
    const bad = Buffer.from(good);
    bad.writeUInt32BE(32, 16);
    expect(() => readPngSize(bad)).toThrow(/bad CRC in IHDR/);
  });

  it('reject something that is not a PNG, and a truncated one', () => {
    expect(() => readPngSize(Buffer.from('GIF89a'))).toThrow(/not a PNG/);
    expect(() => readPngSize(good.subarray(0, good.length - 12))).toThrow(/IEND/);
  });

  it('refuse to encode a pixel buffer of the wrong size', () => {
    expect(() => encodePng(16, 16, new Uint8Array(10))).toThrow(/RGBA/);
  });
});
