/**
 * Child process of the ingest bench: times onnxruntime-node's InferenceSession.create on one file, in a process of
 * its own so that its RSS is not mixed with the bench's or the server's.
 *
 * Protocol (stdout/stdin lines): after loading onnxruntime-node and creating a session on the small warm-up model
 * (first-session set-up is not what is compared) it prints `ready`; on `go` it creates the session and prints
 * `done <seconds>`; it keeps the session until stdin closes, so the parent reads the RSS with the session alive.
 */
import { createInterface } from 'node:readline';
import * as ort from 'onnxruntime-node';

async function main(): Promise<void> {
  const [modelPath, warmupPath] = process.argv.slice(2);
  if (!modelPath || !warmupPath) throw new Error('usage: ort-create.ts <model.onnx> <warm-up model.onnx>');
  const warmup = await ort.InferenceSession.create(warmupPath);
  await warmup.release();
  process.stdout.write('ready\n');
  const sessions: ort.InferenceSession[] = [];
  for await (const line of createInterface({ input: process.stdin })) {
    if (line.trim() !== 'go') continue;
    const started = performance.now();
    sessions.push(await ort.InferenceSession.create(modelPath));
    process.stdout.write(`done ${(performance.now() - started) / 1000}\n`);
  }
  await Promise.all(sessions.map((s) => s.release()));
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
