export * from './types';
export { groupKernels } from './group-kernels';
