// What an uploaded file is, as Slack tells it: a MIME type from the bytes (images by their magic
// numbers) or else the name's extension, Slack's `filetype`/`pretty_type`, and an image's size
// in pixels from its header — so the page can show a chart as a picture and a report as a file.

interface Kind {
  mimetype: string;
  filetype: string;
  pretty: string;
}

const BY_EXTENSION: Record<string, Kind> = {
  png: { mimetype: 'image/png', filetype: 'png', pretty: 'PNG' },
  jpg: { mimetype: 'image/jpeg', filetype: 'jpg', pretty: 'JPEG' },
  jpeg: { mimetype: 'image/jpeg', filetype: 'jpg', pretty: 'JPEG' },
  gif: { mimetype: 'image/gif', filetype: 'gif', pretty: 'GIF' },
  webp: { mimetype: 'image/webp', filetype: 'webp', pretty: 'WebP' },
  svg: { mimetype: 'image/svg+xml', filetype: 'svg', pretty: 'SVG' },
  md: { mimetype: 'text/markdown', filetype: 'markdown', pretty: 'Markdown (raw)' },
  markdown: { mimetype: 'text/markdown', filetype: 'markdown', pretty: 'Markdown (raw)' },
  csv: { mimetype: 'text/csv', filetype: 'csv', pretty: 'CSV' },
  json: { mimetype: 'application/json', filetype: 'json', pretty: 'JSON' },
  txt: { mimetype: 'text/plain', filetype: 'text', pretty: 'Plain Text' },
  log: { mimetype: 'text/plain', filetype: 'text', pretty: 'Plain Text' },
  sql: { mimetype: 'text/plain', filetype: 'sql', pretty: 'SQL' },
  pdf: { mimetype: 'application/pdf', filetype: 'pdf', pretty: 'PDF' },
  gz: { mimetype: 'application/gzip', filetype: 'gzip', pretty: 'GZip' },
  zip: { mimetype: 'application/zip', filetype: 'zip', pretty: 'Zip' },
};

const BINARY: Kind = { mimetype: 'application/octet-stream', filetype: 'binary', pretty: 'Binary' };
const TEXT: Kind = { mimetype: 'text/plain', filetype: 'text', pretty: 'Plain Text' };

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function sniff(bytes: Buffer): Kind | undefined {
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(PNG_MAGIC)) return BY_EXTENSION.png;
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return BY_EXTENSION.jpg;
  if (bytes.length >= 6 && /^GIF8[79]a$/.test(bytes.subarray(0, 6).toString('latin1'))) return BY_EXTENSION.gif;
  if (bytes.length >= 5 && bytes.subarray(0, 5).toString('latin1') === '%PDF-') return BY_EXTENSION.pdf;
  return undefined;
}

const extension = (name: string): string => (name.includes('.') ? name.split('.').pop()!.toLowerCase() : '');

/** Looks like text: valid UTF-8 with no NUL byte in the first 8 KiB. */
function looksLikeText(bytes: Buffer): boolean {
  const head = bytes.subarray(0, 8192);
  if (head.includes(0)) return false;
  return !head.toString('utf8').includes('\uFFFD');
}

/** The MIME type of an uploaded file: images and PDFs by their bytes, others by the name, else text or binary. */
export function mimeTypeOf(name: string, bytes: Buffer): string {
  const sniffed = sniff(bytes);
  if (sniffed) return sniffed.mimetype;
  const byName = BY_EXTENSION[extension(name)];
  // A name saying "image" over bytes that are not one is served as what the bytes are.
  if (byName && !(byName.mimetype.startsWith('image/') && byName.mimetype !== 'image/svg+xml' && byName.mimetype !== 'image/webp')) return byName.mimetype;
  return looksLikeText(bytes) ? TEXT.mimetype : BINARY.mimetype;
}

/** Slack's `filetype` and `pretty_type` of a file (a snippet type wins for text). */
export function fileType(name: string, mimetype: string, snippetType?: string): { filetype: string; pretty: string } {
  const byName = BY_EXTENSION[extension(name)];
  const kind = (byName?.mimetype === mimetype ? byName : undefined) ?? Object.values(BY_EXTENSION).find((k) => k.mimetype === mimetype) ?? (mimetype.startsWith('text/') ? TEXT : BINARY);
  if (snippetType && mimetype.startsWith('text/')) return { filetype: snippetType, pretty: kind.pretty };
  return { filetype: kind.filetype, pretty: kind.pretty };
}

/** An image's width and height from its header (PNG IHDR, GIF screen descriptor, JPEG SOFn), if it is one. */
export function imageSize(mimetype: string, b: Buffer): { width: number; height: number } | undefined {
  if (mimetype === 'image/png' && b.length >= 24 && b.subarray(12, 16).toString('latin1') === 'IHDR') return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
  if (mimetype === 'image/gif' && b.length >= 10) return { width: b.readUInt16LE(6), height: b.readUInt16LE(8) };
  if (mimetype === 'image/jpeg') {
    let i = 2;
    while (i + 9 < b.length) {
      if (b[i] !== 0xff) return undefined;
      const marker = b[i + 1]!;
      const len = b.readUInt16BE(i + 2);
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) return { height: b.readUInt16BE(i + 5), width: b.readUInt16BE(i + 7) };
      i += 2 + len;
    }
  }
  return undefined;
}
