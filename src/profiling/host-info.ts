import { availableParallelism, cpus, hostname, platform, arch, release, totalmem } from 'node:os';
import { readFileSync } from 'node:fs';

export interface HostInfo {
  hostname: string;
  cpuModel: string;
  /** Logical CPUs the OS reports. */
  logicalCpus: number;
  /** What this process may use (cgroup or affinity limits): the default profiling thread count. */
  availableParallelism: number;
  memoryBytes: number;
  os: string;
  arch: string;
  node: string;
  onnxruntime: string;
}

function onnxruntimeVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(require.resolve('onnxruntime-node/package.json'), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** What a self-profile measures on: register a platform with these facts so its measurements mean something. */
export function describeHost(): HostInfo {
  const cores = cpus();
  return {
    hostname: hostname(),
    cpuModel: cores[0]?.model.trim() || 'unknown',
    logicalCpus: cores.length,
    availableParallelism: availableParallelism(),
    memoryBytes: totalmem(),
    os: `${platform()} ${release()}`,
    arch: arch(),
    node: process.version,
    onnxruntime: onnxruntimeVersion(),
  };
}
