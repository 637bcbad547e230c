// Content codings zlib can undo (RFC 9110 §8.4.1): the one decoder choice shared by the CLI's
// `--compressed` output and the gateway's rewriting of compressed pages.
import zlib from 'node:zlib';

/** The codings `decoderFor` undoes. */
export const DECODABLE_CODINGS: readonly string[] = ['gzip', 'x-gzip', 'deflate', 'br'];

export type Decoder = zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress;

/** A decoder for one content coding (`gzip`, `x-gzip`, `deflate`, `br`), else undefined. */
export function decoderFor(coding: string | undefined): Decoder | undefined {
  switch (coding?.trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip();
    case 'deflate':
      return zlib.createInflate();
    case 'br':
      return zlib.createBrotliDecompress();
    default:
      return undefined;
  }
}
