import { AppError } from '../common/app-error';

export enum NetworksErrorCode {
  NETWORK_NOT_FOUND = 'NETWORK_NOT_FOUND',
  BAD_NETWORK = 'BAD_NETWORK',
}

export class NetworksError extends AppError<NetworksErrorCode> {}
