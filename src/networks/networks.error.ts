import { HttpStatus } from '@nestjs/common';
import { AppError } from '../common/app-error';

export enum NetworksErrorCode {
  NETWORK_NOT_FOUND = 'NETWORK_NOT_FOUND',
  BAD_NETWORK = 'BAD_NETWORK',
}

const NETWORKS_STATUS: Record<NetworksErrorCode, HttpStatus> = {
  [NetworksErrorCode.NETWORK_NOT_FOUND]: HttpStatus.NOT_FOUND,
  [NetworksErrorCode.BAD_NETWORK]: HttpStatus.BAD_REQUEST,
};

export class NetworksError extends AppError<NetworksErrorCode> {
  protected readonly statusByCode = NETWORKS_STATUS;
}
