import { randomFillSync } from 'node:crypto';

/**
 * Bytes from the CSPRNG, drawn in blocks: ids are made on every request (a request id each, a jti,
 * a process id), and one `randomBytes` call per id cost more than the id itself. Each byte is handed
 * out once, as a copy, and the block is refilled from the CSPRNG when used up; the bytes are exactly
 * as random as `randomBytes` makes them. (Each process has its own block: cluster workers are
 * processes started afresh, not copies of one another's memory.)
 */
const BLOCK = 4096;
const block = Buffer.alloc(BLOCK);
let offset = BLOCK;

export function randomPoolBytes(length: number): Buffer {
  if (length > BLOCK) return randomFillSync(Buffer.alloc(length));
  if (offset + length > BLOCK) {
    randomFillSync(block);
    offset = 0;
  }
  const bytes = Buffer.from(block.subarray(offset, offset + length));
  // Used bytes are wiped, so that no copy of an id's randomness outlives the id in this block.
  block.fill(0, offset, offset + length);
  offset += length;
  return bytes;
}
