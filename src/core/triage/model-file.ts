import { gunzipSync, gzipSync } from 'node:zlib';
import { AppError } from '../errors.ts';
import { emptyHeads, type Head, weightOf } from './linear-model.ts';

/*
 * A trained model as bytes, for a file (`--out PATH`, the shipped model) or a database row (model
 * versions). Layout, gzipped: "BRZT1\n", a u32 header length, the JSON header, then per head its
 * biases (f32) and the rows of the weight matrix that are not all zero: their bucket numbers as
 * u32 deltas and their weights quantised to int8 with one scale per head. Quantising costs no
 * measurable accuracy and makes the shipped model about a quarter of the size.
 */

export const MODEL_FORMAT = 'baraza-triage/1';
const MAGIC = Buffer.from('BRZT1\n');

export interface ModelInfo {
  format: typeof MODEL_FORMAT;
  version: string;
  createdAt: string;
  /** log2 of the hashed feature space. */
  bits: number;
  /** 'triage' models answer agency, type, urgent and language; 'custom' ones one `label`. */
  kind: 'triage' | 'custom';
  /** `bits`: the head's own bucket space when smaller than the features' (see Head.mask). */
  heads: { name: string; labels: string[]; bits?: number }[];
  examples: number;
  /** sha256 of the training data, so a stale shipped model is caught. */
  trainingSha256: string;
  /** Urgent when the urgent head's probability reaches this (tuned for recall). */
  urgentThreshold?: number;
}

export interface Model {
  info: ModelInfo;
  heads: Map<string, Head>;
}

export function encodeModel(model: Model): Buffer {
  const header = Buffer.from(JSON.stringify(model.info));
  const parts: Buffer[] = [MAGIC, u32(header.length), header];
  for (const { name } of model.info.heads) {
    const head = requireHead(model, name);
    const n = head.labels.length;
    const buckets = head.mask + 1;
    const rows: number[] = [];
    let maxAbs = 0;
    for (let b = 0; b < buckets; b++) {
      let used = false;
      for (let c = 0; c < n; c++) {
        const w = Math.abs(weightOf(head, b, c));
        if (w > 0) used = true;
        if (w > maxAbs) maxAbs = w;
      }
      if (used) rows.push(b);
    }
    const scale = maxAbs > 0 ? maxAbs / 127 : 1;
    const deltas = new Uint32Array(rows.length);
    const quantised = new Int8Array(rows.length * n);
    let last = 0;
    rows.forEach((b, r) => {
      deltas[r] = b - last;
      last = b;
      for (let c = 0; c < n; c++) quantised[r * n + c] = Math.round(weightOf(head, b, c) / scale);
    });
    parts.push(
      Buffer.from(new Float32Array(head.bias).buffer),
      f32(scale),
      u32(rows.length),
      Buffer.from(deltas.buffer),
      Buffer.from(quantised.buffer),
    );
  }
  return gzipSync(Buffer.concat(parts), { level: 9 });
}

export function decodeModel(bytes: Uint8Array, source = 'the model'): Model {
  let raw: Buffer;
  try {
    raw = gunzipSync(bytes);
  } catch {
    throw notAModel(source);
  }
  if (raw.length < MAGIC.length + 4 || !raw.subarray(0, MAGIC.length).equals(MAGIC)) throw notAModel(source);
  let at = MAGIC.length;
  const headerLength = raw.readUInt32LE(at);
  at += 4;
  const info = JSON.parse(raw.subarray(at, at + headerLength).toString('utf8')) as ModelInfo;
  at += headerLength;
  if (info.format !== MODEL_FORMAT) throw notAModel(source);
  const heads = new Map<string, Head>();
  // Heads with the same bucket space share a weight table (see linear-model.ts).
  const tables = new Map<number, { name: string; labels: string[] }[]>();
  for (const spec of info.heads) {
    const bits = spec.bits ?? info.bits;
    tables.set(bits, [...(tables.get(bits) ?? []), spec]);
  }
  for (const [bits, specs] of tables)
    for (const head of emptyHeads(specs, 1 << bits)) heads.set(head.name, head);
  for (const { name, labels } of info.heads) {
    const n = labels.length;
    const head = heads.get(name) as Head;
    for (let c = 0; c < n; c++) head.bias[c] = raw.readFloatLE(at + c * 4);
    at += n * 4;
    const scale = raw.readFloatLE(at);
    const rows = raw.readUInt32LE(at + 4);
    at += 8;
    let bucket = 0;
    const deltasAt = at;
    const weightsAt = at + rows * 4;
    for (let r = 0; r < rows; r++) {
      bucket += raw.readUInt32LE(deltasAt + r * 4);
      const base = bucket * head.stride + head.offset;
      for (let c = 0; c < n; c++) head.weights[base + c] = raw.readInt8(weightsAt + r * n + c) * scale;
    }
    at = weightsAt + rows * n;
  }
  return { info, heads };
}

export function requireHead(model: Model, name: string): Head {
  const head = model.heads.get(name);
  if (!head) throw new Error(`model ${model.info.version} has no "${name}" head`);
  return head;
}

function notAModel(source: string) {
  return new AppError('invalid_input', `${source} is not a Baraza triage model (${MODEL_FORMAT})`);
}

const u32 = (value: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(value);
  return b;
};
const f32 = (value: number) => {
  const b = Buffer.alloc(4);
  b.writeFloatLE(value);
  return b;
};
