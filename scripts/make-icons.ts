import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';

/**
 * Draws the add-in icon (a padlock) into PNGs with nothing but node:zlib, so the icons are reproducible from
 * source and need no image tooling. Run once (`npx tsx scripts/make-icons.ts`); the PNGs are kept in assets/.
 */

export const ICON_SIZES = [16, 32, 64, 80, 128] as const;

/**
 * The unified manifest's package icons, which Microsoft 365 app packages expect at fixed sizes: `color`
 * 192×192 and `outline` 32×32, white on transparent (schema descriptions in @microsoft/app-manifest).
 */
export const UNIFIED_ICONS = [
  { file: 'icon-192.png', size: 192, style: 'color' },
  { file: 'outline-32.png', size: 32, style: 'outline' },
] as const;

export type IconStyle = 'color' | 'outline';

/** A calm blue (#2B6CB0); also the unified manifest's accentColor. */
export const ICON_BLUE = [0x2b, 0x6c, 0xb0] as const;
const WHITE = [0xff, 0xff, 0xff] as const;

// The padlock is designed on a 16-unit grid: every size here is a multiple of 16, so straight edges fall on
// pixel boundaries and the 16 px icon stays crisp.
const BODY = { left: 2, right: 14, top: 7, bottom: 15, radius: 1.5 };
const SHACKLE = { cx: 8, cy: 6, outer: 5, inner: 3 };
const KEYHOLE = { cx: 8, cy: 10.5, radius: 1.25, slotHalfWidth: 0.5, slotBottom: 13 };

function inRoundedRect(x: number, y: number): boolean {
  const { left, right, top, bottom, radius } = BODY;
  if (x < left || x > right || y < top || y > bottom) return false;
  const dx = Math.max(left + radius - x, 0, x - (right - radius));
  const dy = Math.max(top + radius - y, 0, y - (bottom - radius));
  return dx * dx + dy * dy <= radius * radius;
}

function inShackle(x: number, y: number): boolean {
  const { cx, cy, outer, inner } = SHACKLE;
  const dx = x - cx;
  if (y <= cy) {
    const d2 = dx * dx + (y - cy) * (y - cy);
    return d2 <= outer * outer && d2 >= inner * inner;
  }
  // The legs run straight down into the body.
  return y <= BODY.top + 0.5 && Math.abs(dx) <= outer && Math.abs(dx) >= inner;
}

function inKeyhole(x: number, y: number): boolean {
  const { cx, cy, radius, slotHalfWidth, slotBottom } = KEYHOLE;
  const dx = x - cx;
  const dy = y - cy;
  if (dx * dx + dy * dy <= radius * radius) return true;
  return Math.abs(dx) <= slotHalfWidth && y >= cy && y <= slotBottom;
}

/**
 * Non-premultiplied RGBA pixels of the icon at `size` px, anti-aliased by 8×8 supersampling. `color` is a
 * blue padlock with a white keyhole; `outline` is a white padlock with the keyhole cut out.
 */
export function drawIcon(size: number, style: IconStyle = 'color'): Uint8Array {
  const samples = 8;
  const scale = 16 / size;
  const rgba = new Uint8Array(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let fill = 0;
      let hole = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const x = (px + (sx + 0.5) / samples) * scale;
          const y = (py + (sy + 0.5) / samples) * scale;
          if (inRoundedRect(x, y)) {
            if (inKeyhole(x, y)) hole++;
            else fill++;
          } else if (inShackle(x, y)) {
            fill++;
          }
        }
      }
      if (style === 'outline') hole = 0;
      const covered = fill + hole;
      const offset = (py * size + px) * 4;
      if (covered === 0) continue;
      const fillColour = style === 'outline' ? WHITE : ICON_BLUE;
      for (let channel = 0; channel < 3; channel++) {
        rgba[offset + channel] = Math.round(
          ((fillColour[channel] ?? 0) * fill + (WHITE[channel] ?? 0) * hole) / covered,
        );
      }
      rgba[offset + 3] = Math.round((255 * covered) / (samples * samples));
    }
  }
  return rgba;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

/** Encodes 8-bit RGBA pixels as a PNG (colour type 6, no interlace, filter 0 on every row). */
export function encodePng(width: number, height: number, rgba: Uint8Array): Buffer {
  if (rgba.length !== width * height * 4) throw new Error(`expected ${width * height * 4} bytes of RGBA`);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.writeUInt8(8, 8); // bit depth
  ihdr.writeUInt8(6, 9); // colour type: truecolour with alpha
  // compression, filter method and interlace stay 0
  const stride = width * 4;
  const raw = Buffer.alloc(height * (stride + 1));
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = 0; // filter type None
    raw.set(rgba.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Writes icon-{size}.png for every size and the unified manifest's icons into `dir`; returns the paths. */
export async function writeIcons(dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const size of ICON_SIZES) {
    const path = join(dir, `icon-${size}.png`);
    await writeFile(path, encodePng(size, size, drawIcon(size)));
    written.push(path);
  }
  for (const icon of UNIFIED_ICONS) {
    const path = join(dir, icon.file);
    await writeFile(path, encodePng(icon.size, icon.size, drawIcon(icon.size, icon.style)));
    written.push(path);
  }
  return written;
}

if (require.main === module) {
  writeIcons(join(__dirname, '..', 'assets')).then(
    (paths) => {
      for (const path of paths) console.log(`wrote ${path}`);
    },
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exitCode = 1;
    },
  );
}
