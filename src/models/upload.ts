import type { IncomingMessage } from 'node:http';
import busboy from 'busboy';
import { ModelsError, ModelsErrorCode } from './models.error';

/** Multipart bodies carry a little framing around the file; anything declared beyond this slack is refused early. */
const FRAMING_SLACK_BYTES = 1024 * 1024;

export interface UploadLimits {
  fileField: string;
  maxFileBytes: number;
}

export interface Upload<T> {
  result: T;
  filename: string;
  fields: Record<string, string>;
}

/**
 * Streams the one file of a multipart request into `consume` as it arrives (never buffered whole), while
 * collecting the small text fields. When `consume` fails early the rest of the body is drained, so the client
 * still gets the error response; a file over the limit is a 413 whatever `consume` thought of its truncated end.
 */
export function receiveUpload<T>(
  req: IncomingMessage,
  limits: UploadLimits,
  consume: (file: AsyncIterable<Uint8Array>) => Promise<T>,
): Promise<Upload<T>> {
  const contentType = req.headers['content-type'] ?? '';
  if (!contentType.toLowerCase().startsWith('multipart/form-data')) {
    return Promise.reject(
      new ModelsError(ModelsErrorCode.NOT_MULTIPART, `expected multipart/form-data with a '${limits.fileField}' field`),
    );
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limits.maxFileBytes + FRAMING_SLACK_BYTES) {
    return Promise.reject(tooLarge(limits.maxFileBytes));
  }
  return new Promise((resolve, reject) => {
    const fields: Record<string, string> = {};
    let consumed: Promise<T> | undefined;
    let filename = '';
    let overLimit = false;
    const parser = busboy({
      headers: req.headers,
      limits: { files: 1, fileSize: limits.maxFileBytes, fields: 16, fieldSize: 64 * 1024 },
    });
    parser.on('file', (field, stream, info) => {
      if (field !== limits.fileField || consumed) {
        stream.resume();
        return;
      }
      filename = info.filename ?? '';
      stream.on('limit', () => (overLimit = true));
      // Not destroyed when the consumer stops early: busboy must still see the rest of the body to finish.
      consumed = consume(stream.iterator({ destroyOnReturn: false }));
      consumed.catch(() => stream.resume());
    });
    parser.on('field', (name, value) => (fields[name] = value));
    parser.on('error', (error: Error) => {
      req.unpipe(parser);
      req.resume();
      reject(new ModelsError(ModelsErrorCode.BAD_FIELD, `malformed multipart body: ${error.message}`));
    });
    parser.on('close', () => {
      if (overLimit) return reject(tooLarge(limits.maxFileBytes));
      if (!consumed) {
        return reject(new ModelsError(ModelsErrorCode.NO_FILE, `no file in multipart field '${limits.fileField}'`));
      }
      consumed.then((result) => resolve({ result, filename, fields }), reject);
    });
    req.pipe(parser);
  });
}

function tooLarge(maxBytes: number): ModelsError {
  return new ModelsError(ModelsErrorCode.FILE_TOO_LARGE, `file is larger than MAX_UPLOAD_BYTES (${maxBytes} bytes)`, {
    maxBytes,
  });
}
