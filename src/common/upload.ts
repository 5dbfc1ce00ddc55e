import { HttpStatus } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import busboy from 'busboy';
import { AppError } from './app-error';
import { textProblem } from './input-text';

export enum UploadErrorCode {
  NOT_MULTIPART = 'NOT_MULTIPART',
  NO_FILE = 'NO_FILE',
  FILE_TOO_LARGE = 'FILE_TOO_LARGE',
  MALFORMED_MULTIPART = 'MALFORMED_MULTIPART',
}

const UPLOAD_STATUS: Record<UploadErrorCode, HttpStatus> = {
  [UploadErrorCode.NOT_MULTIPART]: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
  [UploadErrorCode.NO_FILE]: HttpStatus.BAD_REQUEST,
  [UploadErrorCode.MALFORMED_MULTIPART]: HttpStatus.BAD_REQUEST,
  [UploadErrorCode.FILE_TOO_LARGE]: HttpStatus.PAYLOAD_TOO_LARGE,
};

/** Errors of receiving a multipart upload, shared by every module that takes files. */
export class UploadError extends AppError<UploadErrorCode> {
  protected readonly statusByCode = UPLOAD_STATUS;
}

/** Multipart bodies carry a little framing around the file; anything declared beyond this slack is refused early. */
const FRAMING_SLACK_BYTES = 1024 * 1024;

export interface UploadLimits {
  fileField: string;
  maxFileBytes: number;
  /** How the limit is called in the error message (e.g. the setting that raises it). */
  limitName: string;
}

export interface Upload<T> {
  result: T;
  filename: string;
  fields: Record<string, string>;
}

/**
 * A multipart request as the controller hands it to a service: not yet read (the file is consumed while it
 * streams in, never buffered whole), and without the HTTP request itself; the service says how to read it.
 */
export interface MultipartUpload {
  receive<T>(limits: UploadLimits, consume: (file: AsyncIterable<Uint8Array>) => Promise<T>): Promise<Upload<T>>;
}

export function isMultipart(req: IncomingMessage): boolean {
  return (req.headers['content-type'] ?? '').toLowerCase().startsWith('multipart/form-data');
}

/** The controller-edge wrapper of a request's multipart body. */
export function multipartOf(req: IncomingMessage): MultipartUpload {
  return { receive: (limits, consume) => receiveUpload(req, limits, consume) };
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
  if (!isMultipart(req)) {
    return Promise.reject(
      new UploadError(UploadErrorCode.NOT_MULTIPART, `expected multipart/form-data with a '${limits.fileField}' field`),
    );
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limits.maxFileBytes + FRAMING_SLACK_BYTES) {
    return Promise.reject(tooLarge(limits));
  }
  return new Promise((resolve, reject) => {
    const fields: Record<string, string> = {};
    let consumed: Promise<T> | undefined;
    let filename = '';
    let overLimit = false;
    let badText: string | null = null;
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
      const problem = textProblem(filename);
      if (problem) badText ??= `the file name ${problem}`;
      stream.on('limit', () => (overLimit = true));
      // Not destroyed when the consumer stops early: busboy must still see the rest of the body to finish.
      consumed = consume(stream.iterator({ destroyOnReturn: false }));
      consumed.catch(() => stream.resume());
    });
    parser.on('field', (name, value) => {
      const problem = textProblem(name) ?? textProblem(value);
      if (problem) badText ??= `multipart field ${JSON.stringify(name.slice(0, 64))} ${problem}`;
      else fields[name] = value;
    });
    parser.on('error', (error: Error) => {
      req.unpipe(parser);
      req.resume();
      reject(new UploadError(UploadErrorCode.MALFORMED_MULTIPART, `malformed multipart body: ${error.message}`));
    });
    parser.on('close', () => {
      if (overLimit) return reject(tooLarge(limits));
      if (badText) return reject(new UploadError(UploadErrorCode.MALFORMED_MULTIPART, badText));
      if (!consumed) {
        return reject(new UploadError(UploadErrorCode.NO_FILE, `no file in multipart field '${limits.fileField}'`));
      }
      consumed.then((result) => resolve({ result, filename, fields }), reject);
    });
    req.pipe(parser);
  });
}

function tooLarge(limits: UploadLimits): UploadError {
  const maxBytes = limits.maxFileBytes;
  return new UploadError(
    UploadErrorCode.FILE_TOO_LARGE,
    `file is larger than ${limits.limitName} (${maxBytes} bytes)`,
    {
      maxBytes,
    },
  );
}
